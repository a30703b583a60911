package dev.spool.dashboard;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spool.SpoolConnectionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request: authentication, the CSRF check of actions, then the page, an asset, the login or
 * the API. Errors become JSON with a message, never a stack trace.
 */
final class DashboardHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(DashboardHandler.class);

  static final String CSRF_HEADER = "X-Spool-Csrf";
  static final String SESSION_COOKIE = "spool_dashboard";

  /** No inline script or style, nothing from elsewhere: what an admin console should allow. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /** Request bodies are not used; a client that sends one may send this much. */
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final SpoolDashboard.Settings settings;
  private final Api api;
  private final Assets assets;
  private final String csrfToken;

  DashboardHandler(SpoolDashboard.Settings settings, DashboardData data) {
    this.settings = settings;
    this.api = new Api(data, settings.readOnly());
    this.assets = new Assets();
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.csrfToken = HexFormat.of().formatHex(random);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String prefix = settings.pathPrefix();
      if (!path.equals(prefix) && !path.startsWith(prefix + "/")) {
        // Also what the server's "/" context answers outside the prefix (SpoolDashboard.start).
        sendJson(exchange, 404, error("not found: the dashboard is under " + prefix + "/"));
        return;
      }
      String local = path.substring(prefix.length());
      try {
        drainBody(exchange);
        if (!settings.hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
          throw new ApiException(
              403,
              "unexpected Host header: without authentication the dashboard answers only"
                  + " loopback names (see allowHost)");
        }
        route(exchange, method, local);
      } catch (ApiException e) {
        sendJson(exchange, e.status(), error(e.getMessage()));
      } catch (SpoolConnectionException e) {
        log.warn("dashboard request {} {}: Redis unreachable", method, path, e);
        sendJson(exchange, 503, error("Redis is unreachable; the server's log says more"));
      } catch (RuntimeException e) {
        log.warn("dashboard request {} {} failed", method, path, e);
        sendJson(exchange, 500, error("internal error: " + e.getClass().getSimpleName()));
      }
    }
  }

  private void route(HttpExchange exchange, String method, String local) throws IOException {
    if (local.isEmpty()) {
      redirect(exchange, settings.pathPrefix() + "/");
      return;
    }
    if (local.startsWith("/assets/")) {
      byte[] body = assets.bytes(local.substring("/assets/".length()));
      if (body == null) {
        throw ApiException.notFound("no such asset");
      }
      send(exchange, 200, Assets.contentType(local), body, "public, max-age=300");
      return;
    }
    if (local.equals("/login")) {
      login(exchange, method);
      return;
    }
    if (!authenticated(exchange)) {
      refuse(exchange, local.startsWith("/api/"));
      return;
    }
    if (local.equals("/logout")) {
      logout(exchange, method);
      return;
    }
    if (local.equals("/")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        throw new ApiException(405, "the page is read with GET");
      }
      String page =
          assets
              .text("index.html")
              .replace("{{csrf}}", csrfToken)
              .replace("{{readOnly}}", Boolean.toString(settings.readOnly()))
              .replace("{{tokenLogin}}", Boolean.toString(tokenLogin()));
      send(exchange, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), null);
      return;
    }
    if (local.startsWith("/api/")) {
      if (method.equals("POST")) {
        checkCsrf(exchange);
      }
      Params params = Params.ofQuery(exchange.getRequestURI().getRawQuery());
      Object doc = api.handle(method, segments(local.substring("/api/".length())), params);
      sendJson(exchange, 200, doc);
      return;
    }
    throw ApiException.notFound("no such page: " + Params.clip(local));
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(Params.decode(s.replace("+", "%2B")));
      }
    }
    return out;
  }

  // --- authentication

  private boolean authenticated(HttpExchange exchange) {
    if (!settings.needsAuth()) {
      return true;
    }
    Credentials c = settings.credentials();
    if (c != null) {
      Headers h = exchange.getRequestHeaders();
      if (c.authorizationMatches(h.getFirst("Authorization"))) {
        return true;
      }
      if (c.usesToken() && c.sessionMatches(sessionCookie(h))) {
        return true;
      }
    }
    DashboardAuth hook = settings.hook();
    return hook != null
        && hook.allows(
            new DashboardRequest(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                Map.copyOf(exchange.getRequestHeaders()),
                exchange.getRemoteAddress()));
  }

  private static String sessionCookie(Headers h) {
    List<String> cookies = h.get("Cookie");
    if (cookies == null) {
      return null;
    }
    for (String header : cookies) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(SESSION_COOKIE + "=")) {
          return p.substring(SESSION_COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  private void refuse(HttpExchange exchange, boolean api) throws IOException {
    Credentials c = settings.credentials();
    if (c != null && !c.usesToken()) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Spool dashboard\"");
    }
    if (!api && c != null && c.usesToken()) {
      redirect(exchange, settings.pathPrefix() + "/login");
      return;
    }
    sendJson(exchange, 401, error("authentication required"));
  }

  /** The token login for browsers: a form whose token, if right, becomes a session cookie. */
  private void login(HttpExchange exchange, String method) throws IOException {
    Credentials c = settings.credentials();
    if (c == null || !c.usesToken()) {
      throw ApiException.notFound("this dashboard has no token login");
    }
    if (method.equals("POST")) {
      // Not the CSRF check: whoever posts here needs the token anyway; but only from this origin.
      checkOrigin(exchange);
      String token = formToken(exchange);
      if (c.tokenMatches(token)) {
        exchange
            .getResponseHeaders()
            .add("Set-Cookie", sessionCookie(exchange, c.sessionValue(), ""));
        // The login form's action carries the page's #fragment (login.js), and a redirect without
        // one keeps it: the user lands on the page first asked for.
        redirect(exchange, settings.pathPrefix() + "/");
        return;
      }
      sendLogin(exchange, 401, "That token is not right.");
      return;
    }
    sendLogin(exchange, 200, "");
  }

  private boolean tokenLogin() {
    return settings.credentials() != null && settings.credentials().usesToken();
  }

  /** Signs out of a token login: a POST with the CSRF token, answered with an expired cookie. */
  private void logout(HttpExchange exchange, String method) throws IOException {
    if (!tokenLogin()) {
      throw ApiException.notFound("this dashboard has no token login to sign out of");
    }
    if (!method.equals("POST")) {
      throw new ApiException(405, "signing out needs POST (with the CSRF token)");
    }
    checkCsrf(exchange);
    exchange.getResponseHeaders().add("Set-Cookie", sessionCookie(exchange, "", "; Max-Age=0"));
    sendJson(exchange, 200, Documents.object("signedOut", true));
  }

  /**
   * The session cookie. {@code Secure} when a TLS-terminating proxy says the browser came over
   * HTTPS: a client can send that header itself, but then only its own cookie is affected.
   */
  private String sessionCookie(HttpExchange exchange, String value, String extra) {
    boolean https =
        "https"
            .equalsIgnoreCase(
                String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto")).strip());
    return SESSION_COOKIE
        + "="
        + value
        + "; Path="
        + settings.pathPrefix()
        + "/; HttpOnly; SameSite=Strict"
        + (https ? "; Secure" : "")
        + extra;
  }

  private String formToken(HttpExchange exchange) {
    String body = (String) exchange.getAttribute("body");
    Params form = Params.ofQuery(body);
    String token = form.string("token");
    return token == null ? "" : token;
  }

  private void sendLogin(HttpExchange exchange, int status, String message) throws IOException {
    String page = assets.text("login.html").replace("{{message}}", message);
    send(exchange, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), null);
  }

  // --- CSRF

  /**
   * An action must carry the page's CSRF token and, if the browser says where from, come from here.
   */
  private void checkCsrf(HttpExchange exchange) {
    checkOrigin(exchange);
    String presented = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
    if (presented == null
        || !MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8),
            csrfToken.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(
          403,
          "missing or wrong CSRF token: actions need the " + CSRF_HEADER + " header of the page");
    }
  }

  private static void checkOrigin(HttpExchange exchange) {
    Headers h = exchange.getRequestHeaders();
    if ("cross-site".equals(h.getFirst("Sec-Fetch-Site"))) {
      throw new ApiException(403, "cross-site requests are refused");
    }
    String origin = h.getFirst("Origin");
    String host = h.getFirst("Host");
    if (origin != null && !origin.equals("null") && host != null) {
      String bare = origin.replaceFirst("^https?://", "");
      if (!bare.equalsIgnoreCase(host)) {
        throw new ApiException(403, "cross-origin requests are refused");
      }
    } else if ("null".equals(origin)) {
      throw new ApiException(403, "requests from an opaque origin are refused");
    }
  }

  // --- responses

  private static void drainBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new ApiException(413, "request body too large");
      }
      exchange.setAttribute("body", new String(body, StandardCharsets.UTF_8));
    }
  }

  private static Map<String, Object> error(String message) {
    return Documents.object("error", message);
  }

  private static void sendJson(HttpExchange exchange, int status, Object doc) throws IOException {
    send(
        exchange,
        status,
        "application/json; charset=utf-8",
        Documents.write(doc).getBytes(StandardCharsets.UTF_8),
        null);
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location.isEmpty() ? "/" : location);
    securityHeaders(exchange.getResponseHeaders(), null);
    exchange.sendResponseHeaders(303, -1);
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, byte[] body, String cacheControl)
      throws IOException {
    Headers h = exchange.getResponseHeaders();
    h.set("Content-Type", contentType);
    securityHeaders(h, cacheControl);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static void securityHeaders(Headers h, String cacheControl) {
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    // Not no-referrer: with it, browsers send "Origin: null" on form posts, which the origin check
    // must refuse; same-origin still tells other sites nothing.
    h.set("Referrer-Policy", "same-origin");
    h.set("Cache-Control", cacheControl == null ? "no-store" : cacheControl);
  }
}

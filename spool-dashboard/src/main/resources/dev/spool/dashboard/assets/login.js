// The login form posts to "login" plus the page's #fragment: the fragment never reaches the
// server, but the redirect after a right token keeps it, so the user lands on the page first asked
// for (the dashboard's own redirect to this page kept it too).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const form = document.getElementById("login");
  if (location.hash) form.setAttribute("action", "login" + location.hash);
});

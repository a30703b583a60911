package dev.spool.internal.unique;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.internal.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON in one canonical form: object fields sorted by name, numbers in their shortest plain form
 * (1, 1.0 and 1.00 all write as 1), no whitespace. Two values that mean the same write the same.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  public static String write(Object value) {
    JsonNode tree = Json.mapper().valueToTree(value);
    StringBuilder out = new StringBuilder();
    append(tree, out);
    return out.toString();
  }

  private static void append(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      fields.addAll(node.properties());
      fields.sort(Map.Entry.comparingByKey());
      out.append('{');
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(Json.write(fields.get(i).getKey())).append(':');
        append(fields.get(i).getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        append(node.get(i), out);
      }
      out.append(']');
    } else if (node.isNumber()) {
      BigDecimal n = node.decimalValue().stripTrailingZeros();
      out.append(n.signum() == 0 ? "0" : n.toPlainString());
    } else {
      out.append(Json.write(node));
    }
  }
}

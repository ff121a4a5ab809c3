package dev.graft.dsl.plot;

import java.util.Locale;

/** A minimal SVG writer: shapes and text appended to a document of a fixed size. */
final class Svg {
  /** Width of a character of the 12px monospace font, for sizing boxes around text. */
  static final double CHAR_WIDTH = 7.3;

  private final StringBuilder body = new StringBuilder();

  void rect(double x, double y, double w, double h, String fill, String stroke, String extra) {
    body.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\""
                + " stroke=\"%s\" %s/>\n",
            x,
            y,
            w,
            h,
            fill,
            stroke,
            extra));
  }

  void line(double x1, double y1, double x2, double y2, String stroke, String extra) {
    body.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" %s/>\n",
            x1,
            y1,
            x2,
            y2,
            stroke,
            extra));
  }

  void circle(double x, double y, double r, String fill) {
    body.append(
        String.format(
            Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n",
            x,
            y,
            r,
            fill));
  }

  void polyline(StringBuilder points, String stroke, String extra) {
    body.append("<polyline fill=\"none\" stroke=\"")
        .append(stroke)
        .append("\" stroke-width=\"2\" ")
        .append(extra)
        .append(" points=\"")
        .append(points.toString().strip())
        .append("\"/>\n");
  }

  /** Text anchored {@code start}, {@code middle} or {@code end} at (x, y), the baseline. */
  void text(double x, double y, String anchor, String style, String s) {
    body.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>",
                x,
                y,
                anchor,
                style))
        .append(escape(s))
        .append("</text>\n");
  }

  /** The document with a white background and an arrowhead marker named {@code arrow}. */
  String document(double width, double height) {
    return String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
                + " viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, monospace\""
                + " font-size=\"12\">\n",
            width,
            height,
            width,
            height)
        + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\""
        + " markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
        + "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n"
        + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        + body
        + "</svg>\n";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}

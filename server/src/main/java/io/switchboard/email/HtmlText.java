package io.switchboard.email;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * The text of an HTML-only email, as an agent reads it: entities decoded, a line per paragraph, list item and table
 * row, links with their address when it is not their text, and nothing of scripts, styles or the head. The agent's
 * desktop shows an email as text, so this is what the agent sees of such a mail.
 */
final class HtmlText {
    /** Elements that start and end a line of their own. */
    private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "dd", "div", "dl",
            "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
            "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul");
    /** Elements whose content is never text for a reader. */
    private static final Set<String> HIDDEN = Set.of("head", "script", "style", "title", "template", "noscript");

    private HtmlText() {
    }

    static String of(String html) {
        Element body = Jsoup.parse(html).body();
        body.select(String.join(",", HIDDEN)).remove();
        Lines lines = new Lines();
        body.traverse(lines);
        return lines.text();
    }

    /** Builds the text: runs of white space are one space, except inside {@code pre}; blocks break lines. */
    private static final class Lines implements NodeVisitor {
        private final StringBuilder out = new StringBuilder();
        private int preformatted;

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
                append(preformatted > 0 ? text.getWholeText() : text.text());
            } else if (node instanceof Element element) {
                String tag = element.normalName();
                if (tag.equals("br")) {
                    out.append('\n');
                } else if ((tag.equals("td") || tag.equals("th")) && element.elementSiblingIndex() > 0) {
                    append(" | "); // a row's cells side by side, told apart
                } else if (BLOCKS.contains(tag)) {
                    newLine();
                    if (tag.equals("li")) {
                        out.append("- ");
                    }
                }
                if (tag.equals("pre")) {
                    preformatted++;
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return;
            }
            String tag = element.normalName();
            if (tag.equals("pre")) {
                preformatted--;
            }
            if (tag.equals("a")) {
                String href = element.attr("href");
                if (href.startsWith("http") && !href.equals(element.text().strip())) {
                    append(" <" + href + ">");
                }
            }
            if (BLOCKS.contains(tag)) {
                newLine();
            }
            if (tag.equals("p") || tag.startsWith("h") && tag.length() == 2) {
                out.append('\n'); // a blank line after a paragraph or a heading, as a plain-text mail has
            }
        }

        private void append(String text) {
            if (text.isEmpty()) {
                return;
            }
            // one space between words across elements, none at the start of a line
            boolean lineStart = out.isEmpty() || out.charAt(out.length() - 1) == '\n';
            if (lineStart && preformatted == 0) {
                text = text.stripLeading();
            } else if (!lineStart && preformatted == 0 && Character.isWhitespace(out.charAt(out.length() - 1))
                    && !text.isEmpty() && Character.isWhitespace(text.charAt(0))) {
                text = text.stripLeading();
            }
            out.append(text);
        }

        private void newLine() {
            if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
        }

        String text() {
            // trailing spaces off each line, at most one blank line in a row
            return out.toString().replaceAll("[ \\t\\u00a0]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
        }
    }
}

package io.parley.chat.deploy;

import java.util.ArrayList;
import java.util.List;

/** Just enough reading of Java source for {@link CallGraph}: comments out, annotations found. */
final class JavaText {

    private JavaText() {
    }

    /**
     * The source with every comment blanked (line breaks kept, so positions keep their line) and
     * strings, text blocks and character literals left as they are: a URL in a string is no comment,
     * and a Javadoc example is no call.
     */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                end = end < 0 ? code.length() : end + 3;
                out.append(code, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < code.length() && code.charAt(end) != c) {
                    end += code.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, code.length());
                out.append(code, i, end);
                i = end;
            } else if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                i = end < 0 ? code.length() : end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? code.length() : end + 2;
                code.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The argument text of every {@code @name(...)} in the (comment-free) source. */
    static List<String> annotations(String code, String name) {
        List<String> found = new ArrayList<>();
        String start = "@" + name + "(";
        for (int at = code.indexOf(start); at >= 0; at = code.indexOf(start, at + 1)) {
            int depth = 0;
            int end = at + start.length() - 1;
            do {
                char c = code.charAt(end);
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                end++;
            } while (depth > 0 && end < code.length());
            found.add(code.substring(at + start.length(), end - 1));
        }
        return found;
    }

    /** The 1-based line of a position. */
    static int line(String code, int position) {
        return (int) code.substring(0, position).chars().filter(c -> c == '\n').count() + 1;
    }
}

package io.parley.chat.kit.page;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, the shape every list endpoint answers with: the items, and the cursor
 * that continues after them ({@code cursor} on the next request), null exactly when there is
 * nothing more.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public Page {
        items = List.copyOf(items);
    }

    /**
     * A page from up to {@code limit + 1} rows read in list order: the first {@code limit},
     * and, when the extra row shows that more exist, the cursor after the last one kept.
     * Reading one more than a page is what tells the last page from a full one.
     */
    public static <T> Page<T> of(List<T> readOneMore, int limit, Function<T, String> cursorAfter) {
        if (readOneMore.size() <= limit) {
            return new Page<>(readOneMore, null);
        }
        List<T> kept = readOneMore.subList(0, limit);
        return new Page<>(kept, cursorAfter.apply(kept.get(limit - 1)));
    }

    public <R> Page<R> map(Function<? super T, ? extends R> view) {
        return new Page<>(items.stream().<R>map(view).toList(), nextCursor);
    }
}

package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel directory is a cursor-paged list: every channel once, in title order, over many pages. */
class ChannelDirectoryIT extends RunningService {

    String tenant;
    String alice;

    @BeforeEach
    void tenantWithoutChannels() {
        tenant = unique("t");
        alice = unique("alice");
    }

    @Test
    void walkingNextCursorSeesEveryChannelExactlyOnceInTitleOrder() {
        List<String[]> created = new ArrayList<>();
        // equal titles (ties by id), and titles with the characters a cursor could trip on
        for (String title : List.of("news", "ops", "news", "a.b|c", "Zeta", "news", "zz top", "b")) {
            created.add(new String[] { title, create(token(alice, tenant), Map.of("type", "CHANNEL", "title", title)) });
        }
        created.sort(Comparator.<String[], String>comparing(c -> c[0]).thenComparing(c -> c[1]));
        List<String> expected = created.stream().map(c -> c[1]).toList();

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> page = page("/api/v1/conversations/channels?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            items(page).forEach(item -> seen.add((String) item.get("id")));
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aFullLastPageEndsWithoutAnEmptyPageAndTheQueryPagesToo() {
        for (String title : List.of("news-1", "news-2", "ops", "news-3", "news-4")) {
            create(token(alice, tenant), Map.of("type", "CHANNEL", "title", title));
        }
        Map<String, Object> first = page("/api/v1/conversations/channels?query=NEWS&limit=2");
        Map<String, Object> second = page("/api/v1/conversations/channels?query=NEWS&limit=2&cursor=" + first.get("nextCursor"));

        assertThat(items(first)).extracting(i -> i.get("title")).containsExactly("news-1", "news-2");
        assertThat(items(second)).extracting(i -> i.get("title")).containsExactly("news-3", "news-4");
        assertThat(second.get("nextCursor")).as("four matches in two full pages: nothing after the second").isNull();
        assertThat(items(page("/api/v1/conversations/channels")))
                .as("without limit or cursor: the first page of the default size, as before").hasSize(5);
    }

    private Map<String, Object> page(String path) {
        @SuppressWarnings("unchecked")
        Map<String, Object> page = get(token(alice, tenant), path).expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
        assertThat(page).containsOnlyKeys("items", "nextCursor");
        return page;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }
}

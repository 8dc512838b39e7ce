package io.parley.chat.kit.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A cursor comes back as it went out, and anything else is a 400 that names {@code cursor}. */
class PageCursorTest {

    @Test
    void aCursorDecodesToItsListAndPositionWhateverThePositionHolds() {
        String title = "a.b|c\n" + "\uD83D\uDE00".repeat(128);
        String cursor = PageCursor.of("channels", title, "c-1").encode();

        assertThat(cursor).matches("[A-Za-z0-9_-]+").hasSizeLessThan(PageCursor.MAX_LENGTH);
        PageCursor decoded = PageCursor.decode(cursor, "channels", 2);
        assertThat(decoded.text(0)).isEqualTo(title);
        assertThat(decoded.text(1)).isEqualTo("c-1");
        assertThat(PageCursor.decode(PageCursor.of("messages", "c", "", "7").encode(), "messages", 3).position())
                .containsExactly("c", "", "7");
    }

    @Test
    void noCursorIsTheFirstPage() {
        assertThat(PageCursor.decode(null, "users", 1)).isNull();
        assertThat(PageCursor.decode("", "users", 1)).isNull();
    }

    @Test
    void anythingButACursorOfThisListIsInvalid() {
        String users = PageCursor.of("users", "ann").encode();
        String raw = Base64.getUrlEncoder().withoutPadding().encodeToString("users.ann".getBytes(StandardCharsets.UTF_8));
        for (String bad : List.of("not a cursor", "*", users + "!", raw, "x".repeat(PageCursor.MAX_LENGTH + 1),
                PageCursor.of("channels", "ann").encode(), PageCursor.of("users", "ann", "extra").encode(),
                Base64.getUrlEncoder().encodeToString(new byte[] { (byte) 0xff, (byte) 0xfe }))) {
            assertThatThrownBy(() -> PageCursor.decode(bad, "users", 1)).as(bad).isInstanceOf(InvalidCursor.class)
                    .satisfies(e -> {
                        assertThat(((InvalidCursor) e).getBody().getProperties())
                                .containsEntry("code", "invalid-request").containsKey("errors");
                        assertThat(((InvalidCursor) e).getBody().getDetail()).contains("'cursor'");
                    });
        }
        assertThat(PageCursor.decode(users, "users", 1).text(0)).isEqualTo("ann");
        assertThatThrownBy(() -> PageCursor.decode(users, "users", 1).number(0)).isInstanceOf(InvalidCursor.class);
    }

    @Test
    void aPageReadWithOneMoreRowKnowsWhetherItIsTheLast() {
        Page<Integer> full = Page.of(List.of(1, 2, 3), 2, last -> "after-" + last);
        Page<Integer> last = Page.of(List.of(1, 2), 2, l -> "after-" + l);

        assertThat(full.items()).containsExactly(1, 2);
        assertThat(full.nextCursor()).isEqualTo("after-2");
        assertThat(last.items()).containsExactly(1, 2);
        assertThat(last.nextCursor()).isNull();
        assertThat(full.map(i -> "#" + i)).isEqualTo(new Page<>(List.of("#1", "#2"), "after-2"));
    }
}

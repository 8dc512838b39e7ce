package io.parley.chat.kit.events;

import org.springframework.context.SmartLifecycle;

/** What a {@link StoredListReader} feeds, reading while the application runs (when there is a list to read). */
public interface ReadsStoredList extends SmartLifecycle {

    /** The reader, or null when this replica reads no list (only what Kafka brings). */
    StoredListReader<?> list();

    @Override
    default void start() {
        if (list() != null) {
            list().start();
        }
    }

    @Override
    default void stop() {
        if (list() != null) {
            list().stop();
        }
    }

    @Override
    default boolean isRunning() {
        return list() != null && list().isRunning();
    }
}

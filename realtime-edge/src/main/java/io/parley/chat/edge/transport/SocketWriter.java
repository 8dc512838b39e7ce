package io.parley.chat.edge.transport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.parley.chat.contracts.frames.CloseCodes;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One socket's outbound queue, written straight to its channel on the channel's event loop.
 *
 * <p>Frames are queued by any thread (the Kafka listener's fan-out, the handling of the
 * client's own frames, the clock, the drain) and written in the order they were queued, as
 * many as the channel takes before it reports itself unwritable; the rest waits for the
 * channel to drain. A fan-out to a thousand sockets is then a thousand queue inserts and at
 * most one task per socket on its event loop, with no reactive stream per socket in between.
 *
 * <p>The queue is bounded by counting, not by an array of the bound's size: most sockets
 * never hold more than a frame or two. Past the bound the client is not reading fast enough:
 * what is queued is dropped and the socket closed, so a stalled client's backlog never grows
 * in the edge's memory and never holds up anyone else; it resumes from history when it
 * reconnects.
 *
 * <p>A close is queued behind the frames queued before it (a {@code reconnect} or an
 * {@code error} goes out first), and a client that does not let the close frame through is
 * cut off after {@link #CLOSE_GRACE}.
 */
public final class SocketWriter extends ChannelInboundHandlerAdapter {

    static final String HANDLER_NAME = "parley.outbound";
    /** How long a closed socket's client has to read its last frames and the close frame. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    public static final String OVERFLOW_REASON = "outbound buffer overflow: reconnect and resume";

    /** A close request, in line with the frames. */
    private record Close(int code, String reason, Sinks.Empty<Void> done) {
    }

    private final WebsocketOutbound socket;
    private final Channel channel;
    private final int capacity;
    private final Runnable drainTask = this::drain;
    private final Sinks.Empty<Void> finished = Sinks.empty();
    private ChannelHandlerContext context;

    // guarded by this
    private final ArrayDeque<Object> queue = new ArrayDeque<>(3);
    private boolean scheduled;
    private Close closing;
    /** Completed once fewer than {@link #roomBelow} frames are queued, or the socket ends: a replay waits on it. */
    private Sinks.Empty<Void> roomWaiter;
    private int roomBelow;
    /** Written under the lock, read without it by {@link #ended()}. */
    private volatile boolean ended;
    private volatile int queued;

    public SocketWriter(WebsocketOutbound socket, int capacity) {
        this.socket = socket;
        this.channel = ((Connection) socket).channel();
        this.capacity = capacity;
        ((Connection) socket).addHandlerLast(HANDLER_NAME, this);
    }

    /** Frames queued and not yet handed to the channel. */
    int queued() {
        return queued;
    }

    /**
     * Completes once fewer than {@code below} frames are queued (at once when they already
     * are), or when the socket stops taking frames. A replay writes one entry after another
     * through this, so a socket replaying a long history holds a window of frames, not the
     * history, and a fan-out's frames still find room behind it. One waiter at a time: the
     * socket's frames are handled one after another.
     */
    public Mono<Void> room(int below) {
        synchronized (this) {
            if (ended || closing != null || queue.size() < below) {
                return Mono.empty();
            }
            if (roomWaiter == null) {
                roomWaiter = Sinks.empty();
            }
            roomBelow = below;
            return roomWaiter.asMono();
        }
    }

    /** Completes once nothing more will be written: the socket's input ended. */
    public Mono<Void> finished() {
        return finished.asMono();
    }

    /** Outcome of {@link #offer}. */
    public enum Offered {
        QUEUED,
        /** The bound was passed by this frame: the queue was dropped and the socket is being closed with 4008. */
        OVERFLOW,
        /** The socket is closing or closed: nothing more is written. */
        ENDED
    }

    /**
     * Queues a frame (released here when it is not queued). Past the bound, in the same step,
     * the queue is dropped and the close queued, so no later frame can follow the dropped
     * ones: what the client got before the close is a gap-free start, and it resumes after it.
     */
    public Offered offer(Object frame) {
        boolean schedule;
        Offered offered = Offered.QUEUED;
        synchronized (this) {
            if (ended || closing != null) {
                ReferenceCountUtil.release(frame);
                return Offered.ENDED;
            }
            if (queue.size() >= capacity) {
                ReferenceCountUtil.release(frame);
                discardQueued();
                closing = new Close(CloseCodes.POLICY, OVERFLOW_REASON, Sinks.empty());
                frame = closing;
                offered = Offered.OVERFLOW;
            }
            queue.add(frame);
            queued = queue.size();
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            channel.eventLoop().execute(drainTask);
        }
        return offered;
    }

    /**
     * Closes with a status once the frames queued before have been written; the first close
     * wins and later ones get its outcome. The close is started here: whoever waits on the
     * returned Mono cannot cancel it (the client must learn why, 4001 and 1001 mean
     * different things to it).
     */
    public Mono<Void> close(int code, String reason) {
        Close close;
        synchronized (this) {
            if (closing != null) {
                return closing.done().asMono();
            }
            close = new Close(code, reason, Sinks.empty());
            closing = close;
            if (ended) {
                close.done().tryEmitEmpty();
                return close.done().asMono();
            }
            queue.add(close);
            scheduled = true;
        }
        channel.eventLoop().execute(drainTask);
        return close.done().asMono();
    }

    /** True once the socket's input has ended. */
    public boolean ended() {
        return ended;
    }

    /** The socket's input ended: nothing more is written, and what was queued is let go. */
    public void end() {
        synchronized (this) {
            ended = true;
            discardQueued();
        }
        wakeRoomWaiter();
        finished.tryEmitEmpty();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        drain();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * On the event loop: writes what is queued while the channel takes it, then flushes once.
     * A close goes out whether or not the channel takes more: it is what ends a stalled client.
     */
    private void drain() {
        ChannelHandlerContext ctx = context;
        boolean wrote = false;
        while (true) {
            Object next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || ctx == null || !(next instanceof Close || channel.isWritable())) {
                    // empty; or the handler's arrival, or the channel's writability event, drains again
                    scheduled = false;
                    break;
                }
                queue.poll();
                queued = queue.size();
            }
            if (next instanceof Close close) {
                sendClose(close);
                break;
            }
            ctx.write(next, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        wakeRoomWaiter();
    }

    private void wakeRoomWaiter() {
        Sinks.Empty<Void> waiter;
        synchronized (this) {
            waiter = roomWaiter;
            if (waiter == null || !(ended || closing != null || queue.size() < roomBelow)) {
                return;
            }
            roomWaiter = null;
        }
        waiter.tryEmitEmpty();
    }

    private void sendClose(Close close) {
        socket.sendClose(close.code(), close.reason())
                .doFinally(signal -> close.done().tryEmitEmpty())
                .subscribe(done -> { }, error -> { });
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    // guarded by this
    private void discardQueued() {
        for (Object frame : queue) {
            if (!(frame instanceof Close)) {
                ReferenceCountUtil.release(frame);
            }
        }
        queue.removeIf(frame -> !(frame instanceof Close));
        queued = queue.size();
    }
}

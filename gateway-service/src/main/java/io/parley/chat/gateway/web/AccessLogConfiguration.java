package io.parley.chat.gateway.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.netty.http.server.logging.AccessLog;
import reactor.netty.http.server.logging.AccessLogArgProvider;

/**
 * One access-log line per request (logger {@code reactor.netty.http.server.AccessLog}),
 * with the request id the response carried, so that a client's report of a failed call
 * ("request 6f1c...") finds its line. The path is logged without its query string and no
 * header but the id is logged: neither tokens nor search terms reach the log.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chat.gateway.access-log", havingValue = "true", matchIfMissing = true)
class AccessLogConfiguration {

    @Bean
    NettyServerCustomizer accessLog() {
        return server -> server.accessLog(true, args -> AccessLog.create("{} {} {} {} {} ms request-id={}",
                client(args), args.method(), path(args), args.status(), args.duration(),
                args.responseHeader(RequestIdFilter.REQUEST_ID)));
    }

    private static String path(AccessLogArgProvider args) {
        CharSequence uri = args.uri();
        if (uri == null) {
            return "-";
        }
        String value = uri.toString();
        int query = value.indexOf('?');
        return query < 0 ? value : value.substring(0, query);
    }

    private static String client(AccessLogArgProvider args) {
        return args.connectionInformation() == null || args.connectionInformation().remoteAddress() == null ? "-"
                : args.connectionInformation().remoteAddress().toString();
    }
}

package io.parley.chat.presence;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** Presence asked for ids that name no user of the caller's tenant: a client bug worth a clear answer. */
public final class UnknownUsers extends ChatProblem {

    public UnknownUsers(List<String> userIds) {
        super(HttpStatus.BAD_REQUEST, "unknown-users", "No user with id " + String.join(", ", userIds)
                + " in your tenant.", Map.of("userIds", userIds));
    }
}

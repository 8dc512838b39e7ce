package io.parley.chat.kit.directory;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** How a check of user ids refuses: the same types and texts in every service that checks. */
public final class DirectoryProblems {

    private DirectoryProblems() {
    }

    /**
     * Ids that name no user of the caller's tenant. A user of another tenant gets the same
     * answer as an id that exists nowhere, so a caller learns nothing about other tenants.
     */
    public static final class UnknownUsers extends ChatProblem {
        public UnknownUsers(List<String> userIds) {
            super(HttpStatus.BAD_REQUEST, "unknown-users", "No user with id " + String.join(", ", userIds)
                    + " in your tenant.", Map.of("userIds", userIds));
        }
    }

    public static final class DirectoryUnavailable extends ChatProblem {
        public DirectoryUnavailable() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "User ids cannot be checked right now; retry shortly.",
                    Map.of("retryable", true));
        }
    }
}

package io.parley.chat.auth.tenant;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class TenantNotFound extends ChatProblem {

    public TenantNotFound() {
        super(HttpStatus.NOT_FOUND, "tenant-not-found", "No tenant with this slug exists.");
    }
}

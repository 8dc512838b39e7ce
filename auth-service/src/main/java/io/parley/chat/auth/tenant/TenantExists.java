package io.parley.chat.auth.tenant;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class TenantExists extends ChatProblem {

    public TenantExists() {
        super(HttpStatus.CONFLICT, "tenant-exists", "A tenant with this slug exists already; choose another.");
    }
}

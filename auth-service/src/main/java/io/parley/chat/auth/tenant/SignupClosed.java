package io.parley.chat.auth.tenant;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class SignupClosed extends ChatProblem {

    public SignupClosed() {
        super(HttpStatus.FORBIDDEN, "signup-closed",
                "This tenant does not allow self sign-up; ask its administrator for an account.");
    }
}

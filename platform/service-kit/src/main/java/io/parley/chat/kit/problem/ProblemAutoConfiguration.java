package io.parley.chat.kit.problem;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Import;

/** Installs the {@link ProblemHandler} in every service. */
@AutoConfiguration
@Import(ProblemHandler.class)
public class ProblemAutoConfiguration {
}

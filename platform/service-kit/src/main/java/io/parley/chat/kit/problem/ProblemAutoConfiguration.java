package io.parley.chat.kit.problem;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Installs the {@link ProblemHandler} in every service, before Boot's WebFlux
 * configuration so that Boot's own problem-details handler backs off instead of
 * answering first with {@code about:blank} types.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@Import(ProblemHandler.class)
public class ProblemAutoConfiguration {
}

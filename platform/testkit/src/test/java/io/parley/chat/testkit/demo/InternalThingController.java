package io.parley.chat.testkit.demo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Internal paths are never routed by the gateway, so the public description leaves them out. */
@RestController
class InternalThingController {

    @GetMapping("/internal/v1/things")
    String internal() {
        return "[]";
    }
}

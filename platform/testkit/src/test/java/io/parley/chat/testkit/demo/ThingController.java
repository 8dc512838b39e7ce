package io.parley.chat.testkit.demo;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A controller for ApiDescriptionTest, with one undocumented operation. */
@RestController
@RequestMapping("/api/v1/things")
class ThingController {

    @GetMapping
    String list() {
        return "[]";
    }

    @DeleteMapping("/{thingId}")
    void delete(@PathVariable String thingId) {
    }

    @PostMapping
    String undocumented() {
        return "{}";
    }
}

package io.parley.chat.auth.token;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.ECKey;

/** The key that signs access tokens, with a signer built once (Nimbus signers are thread-safe). */
record SigningKey(ECKey jwk, JWSSigner signer) {

    String kid() {
        return jwk.getKeyID();
    }
}

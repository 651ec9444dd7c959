package io.switchboard.email;

import static io.switchboard.email.EmailReplyIT.deliver;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real multipart mail over SMTP: the small attachment comes back byte for byte, the oversize one is noted. */
@ExtendWith(TestRedis.class)
class EmailAttachmentIT {
    private static final int LIMIT = 2_000;

    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_MAX_ATTACHMENT_BYTES", Integer.toString(LIMIT)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static String part(String type, String filename, byte[] content) {
        return "--b1\nContent-Type: " + type + "; name=\"" + filename + "\"\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"" + filename + "\"\n\n"
                + Base64.getMimeEncoder(76, "\n".getBytes()).encodeToString(content) + "\n";
    }

    @Test
    void attachmentsAreKeptWithinTheLimitAndServedBack() throws Exception {
        byte[] receipt = new byte[1_500];
        for (int i = 0; i < receipt.length; i++) {
            receipt[i] = (byte) (i * 31);   // every byte value, zeros and CR/LF included
        }
        byte[] video = new byte[LIMIT + 1];
        String message = "From: Ada <ada@example.com>\nTo: support@switchboard.example\nSubject: Receipt\n"
                + "Message-ID: <a1@example.com>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
                + "--b1\nContent-Type: text/plain; charset=utf-8\n\nMy receipt is attached.\n"
                + part("application/pdf", "receipt.pdf", receipt) + part("video/mp4", "unboxing.mp4", video) + "--b1--\n";
        String id = deliver(node, "ada@example.com", message);

        JsonObject email = admin.get("/api/v1/interactions/" + id + "/email").expect(200).json();
        assertEquals("My receipt is attached.", email.getString("text"));
        assertEquals(new JsonArray().add(new JsonObject().put("n", 0).put("filename", "receipt.pdf")
                .put("contentType", "application/pdf").put("size", 1_500)), email.getJsonArray("attachments"));
        JsonObject dropped = email.getJsonArray("dropped").getJsonObject(0);
        assertEquals("unboxing.mp4", dropped.getString("filename"));
        assertEquals(LIMIT + 1, dropped.getLong("size"));
        assertTrue(dropped.getString("reason").contains("email.maxAttachmentBytes"), dropped.encode());

        HttpResponse<byte[]> download = download(admin, id, 0);
        assertEquals(200, download.statusCode());
        assertArrayEquals(receipt, download.body());
        assertEquals("application/pdf", download.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(download.headers().firstValue("Content-Disposition").orElseThrow()
                .startsWith("attachment; filename=\"receipt.pdf\""));
        assertEquals(404, download(admin, id, 1).statusCode(), "the dropped one is not served");
        assertEquals(400, admin.get("/api/v1/interactions/" + id + "/attachments/x").status());

        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 5));
        assertEquals(403, download(bob, id, 0).statusCode(), "only who may read the email downloads its attachments");
    }

    private static HttpResponse<byte[]> download(Api api, String interactionId, int n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/interactions/" + interactionId
                + "/attachments/" + n)).header("Authorization", "Bearer " + api.token()).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }
}

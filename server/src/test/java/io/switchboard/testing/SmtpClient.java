package io.switchboard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain SMTP client over a real socket: sends lines as written, reads replies (multi-line included). */
public final class SmtpClient implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    public SmtpClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The TLS handshake on this connection, after the server's 220 to STARTTLS; it trusts any certificate (a test's
     * self-signed one).
     */
    public SmtpClient tls() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                    .createSocket(socket, "localhost", socket.getPort(), true);
            ssl.startHandshake();
            socket = ssl;
            in = new BufferedReader(new InputStreamReader(ssl.getInputStream(), StandardCharsets.UTF_8));
            out = ssl.getOutputStream();
            return this;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS handshake failed", e);
        }
    }

    /** Sends raw text (CRLFs included by the caller). */
    public SmtpClient write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One command line, then its reply. */
    public String command(String line) {
        write(line + "\r\n");
        return reply();
    }

    /** The next reply, its lines joined by "\n" ("250-a\n250 b"). */
    public String reply() {
        try {
            StringBuilder reply = new StringBuilder();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new AssertionError("connection closed; got so far: " + reply);
                }
                reply.append(reply.isEmpty() ? "" : "\n").append(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return reply.toString();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A whole transaction: MAIL, RCPT, DATA with the message (dot-stuffed here), and the final reply. */
    public String send(String from, String to, String message) {
        expect("250", command("MAIL FROM:<" + from + ">"));
        expect("250", command("RCPT TO:<" + to + ">"));
        expect("354", command("DATA"));
        String stuffed = message.replace("\r\n", "\n").replace("\n", "\r\n").replaceAll("(?m)^\\.", "..");
        write(stuffed + (stuffed.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
        return reply();
    }

    public static void expect(String code, String reply) {
        if (!reply.startsWith(code)) {
            throw new AssertionError("expected " + code + " but got: " + reply);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

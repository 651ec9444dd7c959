package io.switchboard.engine;

/** A request that cannot be served, with the HTTP status and error code the API answers. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final java.time.Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    private ApiException(int status, String code, String message, java.time.Duration retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 429, with when to try again (the limit's window: the API answers it as Retry-After). */
    public static ApiException tooManyRequests(String code, String message, java.time.Duration retryAfter) {
        return new ApiException(429, code, message, retryAfter);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException unprocessable(String message) {
        return new ApiException(422, "unprocessable", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** When to try again, or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }
}

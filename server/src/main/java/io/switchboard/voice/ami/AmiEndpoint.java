package io.switchboard.voice.ami;

import java.net.URI;

/**
 * One Asterisk server's manager interface: {@code ami://user:secret@host:5038/name}; the name (default:
 * the host) tags metrics and is recorded on each call so the right server acts on it.
 */
public record AmiEndpoint(String name, String host, int port, String username, String secret) {

    public static AmiEndpoint parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AMI URL must look like ami://user:secret@host:5038/name, was '" + io.switchboard.config.SwitchboardConfig.Voice.masked(url) + "'");
        }
        if (!"ami".equals(uri.getScheme()) || uri.getHost() == null || uri.getUserInfo() == null
                || !uri.getUserInfo().contains(":")) {
            throw new IllegalArgumentException("AMI URL must look like ami://user:secret@host:5038/name, was '" + io.switchboard.config.SwitchboardConfig.Voice.masked(url) + "'");
        }
        String[] user = uri.getUserInfo().split(":", 2);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new AmiEndpoint(path.isEmpty() ? uri.getHost() : path, uri.getHost(),
                uri.getPort() < 0 ? 5038 : uri.getPort(), user[0], user[1]);
    }
}

package io.switchboard.chat;

import java.util.regex.Pattern;

/**
 * The widget's pre-chat form. Values come from anyone on the internet, so they are bounded and
 * checked here before they reach routing attributes, customers or the transcript.
 */
record PreChat(String name, String email, String topic, String language) {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{1,63}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9 _.\\-]{0,64}");

    PreChat {
        name = ChatText.clean(name, "name", 100);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is required");
        }
        email = email == null ? "" : email.strip();
        if (!EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("a valid email is required");
        }
        topic = topic == null ? "" : topic.strip();
        language = language == null ? "" : language.strip().toLowerCase(java.util.Locale.ROOT);
        if (!WORD.matcher(topic).matches() || !WORD.matcher(language).matches() || language.length() > 16) {
            throw new IllegalArgumentException("topic and language are short words");
        }
    }
}

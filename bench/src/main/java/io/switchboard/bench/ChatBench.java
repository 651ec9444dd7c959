package io.switchboard.bench;

import io.switchboard.bench.BenchClient.Agent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The chat channel under load on one node: 1,000 customers on real {@code /chat} WebSockets, served at
 * once by 200 agents (chat capacity 5) on their agent WebSockets. Once every chat has an agent, each
 * chat plays ping-pong: the customer writes, the agent's socket receives it and the agent answers over
 * {@code POST /api/v1/interactions/{id}/messages}, the customer's socket receives that, and writes again.
 * Reports relayed messages per second with all 1,000 chats live (closed loop, as fast as it goes), then
 * customer-to-agent and agent-to-customer relay latency (send to receive, p50/p99) at half that rate
 * (open loop: customers write on a timer, round-robin over the chats).
 * Usage: {@code ./mvnw -q -f bench/pom.xml exec:java -Dbench.main=io.switchboard.bench.ChatBench -Dexec.args="3 1000 10"}
 * (runs, chats, round trips per chat).
 */
public final class ChatBench {
    private static final String ADMIN = BenchNode.ADMIN;
    private static final int CHATS_PER_AGENT = 5;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final BenchClient client = new BenchClient(4_000);
    private final Vertx vertx = client.vertx;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int chats = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int roundTrips = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ChatBench bench = new ChatBench();
        int status = 0;
        try {
            bench.all(runs, chats, roundTrips);
        } catch (Exception e) {
            e.printStackTrace(); // and exit: the nodes' threads would keep exec:java waiting
            status = 1;
        } finally {
            bench.client.close();
        }
        System.exit(status);
    }

    private void all(int runs, int chats, int roundTrips) throws Exception {
        System.out.printf("machine: %d cores, %s, JDK %s; %d chats, %d round trips each%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), Runtime.version(), chats,
                roundTrips);
        List<double[]> results = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            double[] r = run(run == 0 ? "warmup" : "run" + run, chats, roundTrips);
            System.out.printf("%s: %d chats live; %.0f messages/s relayed; at half that rate: customer->agent p50 %.2f ms"
                    + " p99 %.2f ms, agent->customer p50 %.2f ms p99 %.2f ms%n", run == 0 ? "warm-up (not counted)" : "run " + run, (long) r[5],
                    r[4], r[0], r[1], r[2], r[3]);
            if (run > 0) {
                results.add(r);
            }
        }
        System.out.printf("RESULT %.0f messages/s relayed with %d chats live; at half that rate customer->agent p50 %.2f ms"
                + " p99 %.2f ms, agent->customer p50 %.2f ms p99 %.2f ms (median of %d runs)%n", median(results, 4), chats,
                median(results, 0), median(results, 1), median(results, 2), median(results, 3), runs);
    }

    // ------------------------------------------------------------------------------------- one run

    /** One chat: the customer's socket, its interaction, and the agent holding it. */
    private static final class Chat {
        final WebSocket customer;
        volatile String interaction;
        volatile Agent agent;
        final AtomicInteger trips = new AtomicInteger();

        Chat(WebSocket customer) {
            this.customer = customer;
        }
    }

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<String, Chat> byInteraction = new ConcurrentHashMap<>();
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger relayed = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Histogram toAgent;
    private volatile Histogram toCustomer;
    private volatile int roundTrips;

    private double[] run(String name, int chats, int trips) throws Exception {
        byInteraction.clear();
        joined.set(0);
        started.set(0);
        accepted.set(0);
        relayed.set(0);
        finished.set(0);
        roundTrips = trips;
        toAgent = new Histogram(MAX_NANOS, 3);
        toCustomer = new Histogram(MAX_NANOS, 3);
        // no chat rate limit: every bench customer comes from one address
        try (BenchNode node = BenchNode.start("chat-" + name, Map.of("SWITCHBOARD_CHAT_RATE_LIMIT", "0"))) {
            client.target(node.port);
            List<Agent> agents = client.agents((chats + CHATS_PER_AGENT - 1) / CHATS_PER_AGENT, new JsonObject()
                    .put("skills", new JsonObject().put("support", 5))
                    .put("capacity", new JsonObject().put("voice", 0).put("chat", CHATS_PER_AGENT).put("email", 0)),
                    this::onAgent);
            List<Chat> all = customers(chats);
            waitFor(() -> joined.get() >= chats, 300, () -> joined.get() + " of " + chats +  " chats joined (" + started + " started, " + accepted + " accepted)");
            int live = chats;
            // throughput: every chat plays ping-pong at once, as fast as the node relays
            long start = System.nanoTime();
            all.forEach(this::customerWrites);
            waitFor(() -> finished.get() >= chats, 300, () -> finished.get() + " of " + chats + " chats done");
            double perSecond = relayed.get() / ((System.nanoTime() - start) / 1e9);
            // latency: at half that rate (open loop), so queueing at saturation does not hide the relay time
            double[] latency = openLoop(all, perSecond / 2, chats * trips);
            all.forEach(c -> c.customer.close());
            agents.forEach(a -> a.socket().close());
            return new double[] {latency[0], latency[1], latency[2], latency[3], perSecond, live};
        }
    }

    /**
     * Customers write at a fixed rate, round-robin over the chats, and each agent answers at once: half
     * the relayed messages go each way. Returns p50/p99 both ways, in ms.
     */
    private double[] openLoop(List<Chat> chats, double relayedPerSecond, int messages) throws Exception {
        toAgent = new Histogram(MAX_NANOS, 3);
        toCustomer = new Histogram(MAX_NANOS, 3);
        roundTrips = 0; // no ping-pong: the timer writes
        relayed.set(0);
        long intervalNanos = (long) (2e9 / relayedPerSecond);
        long start = System.nanoTime();
        AtomicInteger sent = new AtomicInteger();
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min((System.nanoTime() - start) / intervalNanos, messages / 2);
            while (sent.get() < due) {
                customerWrites(chats.get(sent.getAndIncrement() % chats.size()));
            }
        });
        waitFor(() -> relayed.get() >= messages, 300, () -> relayed.get() + " of " + messages + " relayed");
        vertx.cancelTimer(timer);
        return new double[] {ms(toAgent, 50), ms(toAgent, 99), ms(toCustomer, 50), ms(toCustomer, 99)};
    }

    private void customerWrites(Chat chat) {
        chat.customer.writeTextMessage(new JsonObject().put("type", "message")
                .put("text", Long.toString(System.nanoTime())).encode());
    }

    /** Customer side: the agent joined (the chat is live), or the agent's answer arrived. */
    private void onCustomer(Chat chat, JsonObject message) {
        switch (message.getString("type", "")) {
            case "started" -> {
                started.incrementAndGet();
                chat.interaction = message.getString("interaction");
                byInteraction.put(chat.interaction, chat);
            }
            case "agent_joined" -> joined.incrementAndGet();
            case "chat_message" -> {
                if (!"agent".equals(message.getString("from"))) {
                    return;
                }
                record(toCustomer, message.getString("text"));
                relayed.incrementAndGet();
                int trips = roundTrips;
                if (trips == 0) {
                    return; // open loop: the timer writes
                }
                if (chat.trips.incrementAndGet() < trips) {
                    customerWrites(chat);
                } else {
                    finished.incrementAndGet();
                }
            }
            default -> { }
        }
    }

    /** Agent side: accept offers; answer each customer message at once. */
    private void onAgent(Agent agent, JsonObject message) {
        switch (message.getString("type", "")) {
            case "offer" -> client.post("/api/v1/reservations/" + message.getString("reservation") + "/accept", agent.token(),
                    new JsonObject()).onSuccess(x -> accepted.incrementAndGet())
                    .onFailure(e -> System.err.println("accept failed: " + e.getMessage()));
            case "chat_message" -> {
                if (!"customer".equals(message.getString("from"))) {
                    return;
                }
                record(toAgent, message.getString("text"));
                relayed.incrementAndGet();
                client.post("/api/v1/interactions/" + message.getString("interaction") + "/messages", agent.token(),
                        new JsonObject().put("text", Long.toString(System.nanoTime())))
                        .onFailure(e -> System.err.println("agent message failed: " + e.getMessage()));
            }
            default -> { }
        }
    }

    private static void record(Histogram histogram, String sentNanos) {
        long took = Math.min(System.nanoTime() - Long.parseLong(sentNanos), MAX_NANOS);
        synchronized (histogram) {
            histogram.recordValue(took);
        }
    }

    private static double ms(Histogram histogram, double percentile) {
        synchronized (histogram) {
            return histogram.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private List<Chat> customers(int count) throws Exception {
        List<Future<Chat>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = "customer" + i + "@bench.example";
            all.add(client.webSocket("/chat")
                    .map(socket -> {
                        Chat chat = new Chat(socket);
                        socket.textMessageHandler(text -> onCustomer(chat, new JsonObject(text)));
                        socket.writeTextMessage(new JsonObject().put("type", "start").put("name", "Customer")
                                .put("email", email).put("topic", "support").put("language", "en").encode());
                        return chat;
                    }));
            if (all.size() % 100 == 0) {
                Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return all.stream().map(Future::result).toList();
    }

    // ---------------------------------------------------------------------------------- plumbing

    private static void waitFor(java.util.function.BooleanSupplier condition, int seconds,
                                java.util.function.Supplier<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long report = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > report) {
                System.out.println("  ... " + progress.get());
                report += TimeUnit.SECONDS.toNanos(10);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark stuck after " + seconds + " s: " + progress.get());
            }
            Thread.sleep(5);
        }
    }

    private static double median(List<double[]> results, int index) {
        List<Double> values = new ArrayList<>(results.stream().map(r -> r[index]).toList());
        Collections.sort(values);
        return values.get(values.size() / 2);
    }
}

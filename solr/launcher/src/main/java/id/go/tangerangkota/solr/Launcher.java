package id.go.tangerangkota.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a real Solr 9 HTTP server (JettySolrRunner from solr-test-framework) on 127.0.0.1.
 *
 * <p>Usage: {@code Launcher <solr-home> <port>}. The Solr home holds solr.xml and the core folders; cores are
 * found by their core.properties. The process runs until it is sent SIGTERM, when Jetty stops cleanly.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: Launcher <solr-home> <port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("Solr home " + home + " has no solr.xml: run scripts/stack.sh start to lay it out.");
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception e) {
        System.err.println("Solr stop failed: " + e);
      } finally {
        stopped.countDown();
      }
    }));
    runner.start();
    System.out.println("Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST + " listening on " + runner.getBaseUrl());
    stopped.await();
  }
}

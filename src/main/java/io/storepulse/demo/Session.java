package io.storepulse.demo;

import java.util.SplittableRandom;

/**
 * One visit to the simulated store, as a state machine that emits one event per step: landing,
 * browsing pages and products, adding to and removing from the cart, checkout, payment, order. At
 * every step the visitor may leave, more often early (bounces) than once the cart has something
 * (abandoned carts) and least at the payment; so product views outnumber cart additions, which
 * outnumber checkouts, which outnumber orders. About 5 % of sessions end in an order.
 */
final class Session {

  private enum Stage { NEW, BROWSING, VIEWING, CARTED, CHECKOUT, PAYMENT_FAILED }

  private static final int MAX_LINES = 6;
  private static final double LANDS_ON_PRODUCT = 0.15;
  private static final double LANDS_ON_HOME = 0.70;
  private static final double BOUNCE = 0.30;
  private static final double LEAVES_WHILE_BROWSING = 0.15;
  private static final double LEAVES_CART = 0.10;
  private static final double LEAVES_CHECKOUT = 0.35;
  private static final double LEAVES_AFTER_FIRST_FAILURE = 0.5;
  private static final double LEAVES_AFTER_FAILURES = 0.8;
  private static final double ADDS_VIEWED = 0.08;
  private static final double CHECKS_OUT_WHILE_BROWSING = 0.2;
  private static final double CHECKS_OUT_AFTER_ADDING = 0.30;
  private static final double REMOVES_AFTER_ADDING = 0.07;
  private static final double VIEWS_PRODUCT = 0.65;
  private static final double PAYMENT_DECLINED = 0.05;
  private static final String[] SEARCHES = {"gift", "sale", "black", "organic", "new", "winter", "summer", "set"};

  final String visitorId;
  final String sessionId;
  final String userId;
  int[] cartProducts;
  int[] cartQuantities;
  int lines;
  private Stage stage = Stage.NEW;
  private Product viewing;
  private boolean ended;

  Session(String visitorId, String sessionId, String userId) {
    this.visitorId = visitorId;
    this.sessionId = sessionId;
    this.userId = userId;
  }

  boolean ended() {
    return ended;
  }

  /** The visitor's next event at {@code now}; afterwards the session may have {@link #ended}. */
  SimulatedEvent step(Shop shop, long now, boolean checkoutDown) {
    SplittableRandom random = shop.random;
    double choice = random.nextDouble();
    SimulatedEvent event;
    double leaves;
    switch (stage) {
      case NEW -> {
        event = choice < LANDS_ON_PRODUCT ? view(shop, now)
            : page(shop, now, choice < LANDS_ON_HOME ? "/" : "/c/" + shop.catalog.pick(random).category());
        leaves = BOUNCE;
      }
      case BROWSING -> {
        if (lines > 0 && choice < CHECKS_OUT_WHILE_BROWSING) {
          event = checkout(shop, now);
          leaves = LEAVES_CHECKOUT;
        } else {
          event = choice < VIEWS_PRODUCT ? view(shop, now) : browse(shop, now);
          leaves = LEAVES_WHILE_BROWSING;
        }
      }
      case VIEWING -> {
        int quantity = quantity(random);
        if (choice < ADDS_VIEWED && lines < MAX_LINES
            && shop.stock.onHand(viewing.index()) >= inCart(viewing.index()) + quantity) {
          event = add(shop, now, viewing, quantity);
          leaves = LEAVES_CART;
        } else if (lines > 0 && choice < ADDS_VIEWED + CHECKS_OUT_WHILE_BROWSING / 2) {
          event = checkout(shop, now);
          leaves = LEAVES_CHECKOUT;
        } else {
          event = choice < VIEWS_PRODUCT ? view(shop, now) : browse(shop, now);
          leaves = LEAVES_WHILE_BROWSING;
        }
      }
      case CARTED -> {
        if (choice < CHECKS_OUT_AFTER_ADDING) {
          event = checkout(shop, now);
          leaves = LEAVES_CHECKOUT;
        } else if (choice < CHECKS_OUT_AFTER_ADDING + REMOVES_AFTER_ADDING) {
          event = remove(shop, now);
          leaves = LEAVES_CART;
        } else {
          event = choice < VIEWS_PRODUCT + CHECKS_OUT_AFTER_ADDING / 2 ? view(shop, now) : browse(shop, now);
          leaves = LEAVES_CART;
        }
      }
      default -> { // CHECKOUT, PAYMENT_FAILED: the payment is attempted
        if (checkoutDown || choice < PAYMENT_DECLINED) {
          leaves = stage == Stage.CHECKOUT ? LEAVES_AFTER_FIRST_FAILURE : LEAVES_AFTER_FAILURES;
          stage = Stage.PAYMENT_FAILED;
          event = shop.writer.paymentFailed(now, this, cartTotal(shop),
              checkoutDown ? "payment_provider_unavailable" : "card_declined");
        } else {
          event = order(shop, now);
          leaves = 1;
        }
      }
    }
    if (random.nextDouble() < leaves) {
      ended = true;
    }
    return event;
  }

  private SimulatedEvent view(Shop shop, long now) {
    viewing = shop.catalog.pick(shop.random);
    stage = Stage.VIEWING;
    return shop.writer.productViewed(now, this, viewing);
  }

  private SimulatedEvent browse(Shop shop, long now) {
    SplittableRandom random = shop.random;
    String path = random.nextInt(4) == 0
        ? "/search?q=" + SEARCHES[random.nextInt(SEARCHES.length)]
        : "/c/" + shop.catalog.pick(random).category();
    return page(shop, now, path);
  }

  private SimulatedEvent page(Shop shop, long now, String path) {
    stage = Stage.BROWSING;
    return shop.writer.pageViewed(now, this, path);
  }

  private SimulatedEvent add(Shop shop, long now, Product product, int quantity) {
    if (cartProducts == null) {
      cartProducts = new int[MAX_LINES];
      cartQuantities = new int[MAX_LINES];
    }
    int line = line(product.index());
    if (line < 0) {
      line = lines++;
      cartProducts[line] = product.index();
    }
    cartQuantities[line] += quantity;
    stage = Stage.CARTED;
    return shop.writer.productAdded(now, this, product, quantity);
  }

  private SimulatedEvent remove(Shop shop, long now) {
    int line = shop.random.nextInt(lines);
    Product product = shop.catalog.product(cartProducts[line]);
    int quantity = cartQuantities[line];
    lines--;
    cartProducts[line] = cartProducts[lines];
    cartQuantities[line] = cartQuantities[lines];
    stage = Stage.BROWSING;
    return shop.writer.productRemoved(now, this, product, quantity);
  }

  private SimulatedEvent checkout(Shop shop, long now) {
    stage = Stage.CHECKOUT;
    return shop.writer.checkoutStarted(now, this, cartTotal(shop));
  }

  private SimulatedEvent order(Shop shop, long now) {
    PlacedOrder order = shop.placeOrder(this, now);
    if (order == null) {
      // sold out while the visitor was paying: the store shows the cart again
      return page(shop, now, "/cart?soldOut=true");
    }
    return shop.writer.orderCompleted(now, this, order);
  }

  private long cartTotal(Shop shop) {
    long total = 0;
    for (int line = 0; line < lines; line++) {
      total += shop.catalog.product(cartProducts[line]).priceCents() * cartQuantities[line];
    }
    return total;
  }

  private int inCart(int product) {
    int line = line(product);
    return line < 0 ? 0 : cartQuantities[line];
  }

  private int line(int product) {
    for (int line = 0; line < lines; line++) {
      if (cartProducts[line] == product) {
        return line;
      }
    }
    return -1;
  }

  /** Mostly one, sometimes two or three. */
  private static int quantity(SplittableRandom random) {
    int draw = random.nextInt(100);
    return draw < 85 ? 1 : draw < 97 ? 2 : 3;
  }
}

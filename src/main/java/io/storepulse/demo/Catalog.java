package io.storepulse.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The products of the simulated store, generated from a seed: names, categories, prices in euro
 * with cents, initial stock and a low-stock threshold, and a popularity that follows a Zipf-like
 * curve over a shuffled order, so that a few products lead the trending lists and run low first.
 *
 * <p>Immutable once generated; {@link #pick} draws from a caller's random source.
 */
public final class Catalog {

  /** The stock import takes at most this many rows in one request. */
  public static final int MAX_SIZE = 10_000;

  private static final double POPULARITY_EXPONENT = 0.9;
  private static final double NEARLY_LOW_BESTSELLERS = 0.25;
  private static final double NEARLY_LOW_OTHERS = 0.05;
  private static final double BESTSELLER_SHARE = 0.1;

  private record Category(String code, String slug, long minCents, long maxCents, String... nouns) {
  }

  private static final List<Category> CATEGORIES = List.of(
      new Category("APP", "apparel", 990, 14_900, "T-Shirt", "Hoodie", "Sweater", "Cardigan", "Denim Jacket",
          "Chinos", "Jeans", "Polo Shirt", "Rain Jacket", "Scarf", "Beanie", "Socks"),
      new Category("SHO", "shoes", 2490, 18_900, "Sneakers", "Chelsea Boots", "Loafers", "Sandals", "Slippers",
          "Running Shoes", "Hiking Boots"),
      new Category("HOM", "home", 790, 11_900, "Throw Blanket", "Cushion Cover", "Ceramic Vase", "Scented Candle",
          "Table Lamp", "Wall Clock", "Photo Frame", "Doormat"),
      new Category("KIT", "kitchen", 590, 12_900, "Coffee Mug", "French Press", "Chef's Knife", "Cutting Board",
          "Cast Iron Skillet", "Teapot", "Salad Bowl", "Spice Rack"),
      new Category("TEC", "tech", 999, 19_900, "Wireless Earbuds", "Phone Case", "USB-C Charger", "Power Bank",
          "Bluetooth Speaker", "Laptop Sleeve", "Desk Lamp", "Keyboard"),
      new Category("OUT", "outdoor", 890, 24_900, "Backpack", "Water Bottle", "Camping Tent", "Sleeping Bag",
          "Trekking Poles", "Headlamp", "Picnic Blanket", "Thermos"),
      new Category("BEA", "beauty", 390, 5_900, "Face Cream", "Shampoo", "Lip Balm", "Hand Soap", "Body Lotion",
          "Face Serum", "Bath Salts"),
      new Category("TOY", "toys", 690, 7_900, "Jigsaw Puzzle", "Board Game", "Wooden Train", "Plush Bear", "Kite",
          "Building Blocks", "Card Game"));

  private static final String[] STYLES = {"Classic", "Organic", "Recycled", "Vintage", "Minimal", "Everyday",
      "Premium", "Nordic", "Urban", "Alpine", "Coastal", "Heritage", "Essential", "Signature", "Studio", "Weekend",
      "Trail", "Cozy"};
  private static final String[] COLOURS = {"Black", "Navy", "Olive", "Sand", "Charcoal", "Rust", "Ivory", "Sage",
      "Terracotta", "Slate", "Mustard", "Forest"};
  /** Price endings and their shares in percent: most prices end in .99. */
  private static final int[] CENT_ENDINGS = {99, 90, 95, 50, 0};
  private static final int[] CENT_SHARES = {40, 20, 15, 10, 15};

  private final List<Product> products;
  private final Map<String, Product> bySku;
  private final double[] cumulativeWeight;

  private Catalog(List<Product> products, double[] cumulativeWeight) {
    this.products = List.copyOf(products);
    this.cumulativeWeight = cumulativeWeight;
    Map<String, Product> index = new HashMap<>();
    for (Product product : products) {
      index.put(product.sku(), product);
    }
    this.bySku = Map.copyOf(index);
  }

  /** {@code size} products, the same for the same seed. */
  public static Catalog generate(int size, long seed) {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("a catalog has 1 to " + MAX_SIZE + " products, not " + size);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] ranks = new int[size];
    for (int i = 0; i < size; i++) {
      ranks[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = swap;
    }
    List<Product> products = new ArrayList<>(size);
    double[] cumulative = new double[size];
    Set<String> names = new HashSet<>();
    double total = 0;
    for (int i = 0; i < size; i++) {
      Category category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
      int rank = ranks[i];
      boolean bestseller = rank < Math.max(1, size * BESTSELLER_SHARE);
      int threshold = bestseller ? 10 : 5;
      // some products, bestsellers above all, start just above their threshold: low stock and restocks show early
      int stock = random.nextDouble() < (bestseller ? NEARLY_LOW_BESTSELLERS : NEARLY_LOW_OTHERS)
          ? threshold + 1 + random.nextInt(4)
          : threshold + 10 + random.nextInt(80) + (bestseller ? 80 : 0);
      String sku = String.format(Locale.ROOT, "%s-%04d", category.code(), i + 1);
      products.add(new Product(i, sku, name(category, random, names, sku), category.slug(),
          price(category, random), stock, threshold));
      total += 1 / Math.pow(rank + 1, POPULARITY_EXPONENT);
      cumulative[i] = total;
    }
    return new Catalog(products, cumulative);
  }

  private static String name(Category category, SplittableRandom random, Set<String> taken, String sku) {
    for (int attempt = 0; attempt < 8; attempt++) {
      String noun = category.nouns()[random.nextInt(category.nouns().length)];
      String name = STYLES[random.nextInt(STYLES.length)] + " " + noun + " (" + COLOURS[random.nextInt(COLOURS.length)]
          + ")";
      if (taken.add(name)) {
        return name;
      }
    }
    String name = category.nouns()[0] + " " + sku;
    taken.add(name);
    return name;
  }

  /** Log-uniform over the category's range, with the endings shops use. */
  private static long price(Category category, SplittableRandom random) {
    double low = Math.log(category.minCents());
    double high = Math.log(category.maxCents());
    long euros = (long) Math.exp(low + random.nextDouble() * (high - low)) / 100;
    int share = random.nextInt(100);
    int ending = 0;
    while (share >= CENT_SHARES[ending]) {
      share -= CENT_SHARES[ending];
      ending++;
    }
    return Math.max(euros * 100 + CENT_ENDINGS[ending], category.minCents());
  }

  public List<Product> products() {
    return products;
  }

  public int size() {
    return products.size();
  }

  public Product product(int index) {
    return products.get(index);
  }

  /** The product with this SKU, or {@code null}. */
  public Product bySku(String sku) {
    return bySku.get(sku);
  }

  /** A product drawn by popularity. */
  Product pick(SplittableRandom random) {
    double target = random.nextDouble() * cumulativeWeight[cumulativeWeight.length - 1];
    int low = 0;
    int high = cumulativeWeight.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulativeWeight[middle] <= target) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return products.get(low);
  }

  /**
   * The body of {@code POST /v1/stores/{store}/inventory} that sets every product's initial stock
   * and threshold: {@code [{"sku":"APP-0001","onHand":42,"lowStockThreshold":5},…]}.
   */
  public String stockImportJson() {
    StringBuilder json = new StringBuilder(products.size() * 56).append('[');
    for (Product product : products) {
      if (product.index() > 0) {
        json.append(',');
      }
      json.append("{\"sku\":\"").append(product.sku()).append('"');
      JsonText.number(json, "onHand", product.initialStock());
      JsonText.number(json, "lowStockThreshold", product.lowStockThreshold()).append('}');
    }
    return json.append(']').toString();
  }
}

package io.storepulse.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped configuration file and the README list every setting with its real default. */
class SettingsDocumentedTest {

  @Test
  void configurationFileListsEverySettingWithItsDefault() throws IOException {
    String file = Files.readString(Path.of("conf", "storepulse.properties"));
    for (Setting setting : Settings.ALL) {
      String line = "#" + setting.key() + "=" + setting.defaultValue() + "\n";
      assertTrue(file.contains(line), "conf/storepulse.properties lacks: " + line.trim());
    }
  }

  @Test
  void readmeSettingsTableNamesEveryEnvironmentVariable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting setting : Settings.ALL) {
      assertTrue(readme.contains("`" + setting.environmentVariable() + "`"),
          "README.md does not document " + setting.environmentVariable());
    }
  }
}

package dev.billing.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.billing.emulator.planted.PlantedStripeJavaUse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The emulator's main code stays independent of stripe-java and keeps its helpers private. */
class EmulatorArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.billing.emulator");
  private static final Set<String> PUBLIC_API = Set.of("StripeEmulator", "EmulatorOptions", "Fault",
      "FaultKind", "RecordedRequest", "DeliveryAttempt", "EmittedEvent", "CheckoutCompletion",
      "WebhookControls", "Main");

  /**
   * The JDK, Jackson and SnakeYAML only: the emulator runs inside the server's local mode and other
   * modules' tests, so whatever it pulls in lands on their classpaths too.
   */
  static final ArchRule ONLY_ALLOWED_DEPENDENCIES = classes()
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..",
          "com.sun.net.httpserver..", "com.fasterxml.jackson..", "org.yaml.snakeyaml..",
          "dev.billing.emulator..");

  @Test
  void mainCodeDoesNotDependOnStripeJava() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("com.stripe..").check(MAIN);
  }

  @Test
  void mainCodeDependsOnlyOnTheJdkJacksonAndSnakeYaml() {
    ONLY_ALLOWED_DEPENDENCIES.check(MAIN);
  }

  @Test
  void theDependencyRuleRejectsAPlantedStripeJavaUse() {
    JavaClasses planted = new ClassFileImporter().importClasses(PlantedStripeJavaUse.class);
    assertThatThrownBy(() -> ONLY_ALLOWED_DEPENDENCIES.check(planted))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("com.stripe.model.Customer");
  }

  /**
   * The top package holds the documented API and nothing else public; the internal sub-packages
   * ({@code wire}, {@code state}, ...) have public types because their layers use each other.
   */
  @Test
  void onlyTheDocumentedApiIsPublic() {
    classes().that().resideInAPackage("dev.billing.emulator").and().areTopLevelClasses().and().arePublic()
        .should(new ArchCondition<JavaClass>("be part of the documented public API") {
          @Override
          public void check(JavaClass item, ConditionEvents events) {
            if (!PUBLIC_API.contains(item.getSimpleName())) {
              events.add(SimpleConditionEvent.violated(item,
                  item.getName() + " is public but not part of the documented API"));
            }
          }
        }).check(MAIN);
  }

  @Test
  void packagePrivateHelpersAreFinal() {
    classes().that().areTopLevelClasses().and().areNotPublic().and().areNotInterfaces()
        .and().areNotEnums().and().areNotRecords()
        .should().haveModifier(JavaModifier.FINAL).check(MAIN);
  }

  @Test
  void nothingCallsInstantNowOutsideTheClock() {
    noClasses().that().doNotHaveSimpleName("EmulatorClock")
        .should().callMethod(java.time.Instant.class, "now").check(MAIN);
  }
}

package dev.billing.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
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

  @Test
  void mainCodeDoesNotDependOnStripeJava() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("com.stripe..").check(MAIN);
  }

  @Test
  void onlyTheDocumentedApiIsPublic() {
    classes().that().areTopLevelClasses().and().arePublic()
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

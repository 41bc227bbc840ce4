import { ClerkProvider } from "@clerk/clerk-expo";
import { tokenCache } from "@clerk/clerk-expo/token-cache";
import { StripeProvider } from "@stripe/stripe-react-native";
import { BillingRoot } from "@/billing";
import { PaySheetScreen } from "@/app/sheet";
import { UpgradeScreen } from "@/app/upgrade";

// The app's root: Clerk first (the billing client asks it for session tokens), then Stripe's SDK for the
// PaymentSheet (the same publishable key the server returns with each sheet), then billing and its hooks.
export default function App() {
  return (
    <ClerkProvider publishableKey={process.env.EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY!} tokenCache={tokenCache}>
      <StripeProvider publishableKey={process.env.EXPO_PUBLIC_STRIPE_PUBLISHABLE_KEY!} urlScheme="myapp">
        <BillingRoot>
          <UpgradeScreen />
          <PaySheetScreen />
        </BillingRoot>
      </StripeProvider>
    </ClerkProvider>
  );
}

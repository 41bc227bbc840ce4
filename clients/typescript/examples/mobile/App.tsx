import { ClerkProvider } from "@clerk/clerk-expo";
import { tokenCache } from "@clerk/clerk-expo/token-cache";
import { BillingRoot } from "@/billing";
import { UpgradeScreen } from "@/app/upgrade";

// The app's root: Clerk first (the billing client asks it for session tokens), then billing and its hooks.
export default function App() {
  return (
    <ClerkProvider publishableKey={process.env.EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY!} tokenCache={tokenCache}>
      <BillingRoot>
        <UpgradeScreen />
      </BillingRoot>
    </ClerkProvider>
  );
}

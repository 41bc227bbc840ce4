import { useCheckout, useEntitlements, usePortal, useRefreshBilling } from "@billing/client/react";
import * as Linking from "expo-linking";
import * as WebBrowser from "expo-web-browser";
import { Button, Text, View } from "react-native";

// Checkout and the portal must return to an https page on one of the server's allowed origins; that page
// (examples/web/app/billing/mobile-return/route.ts) redirects to the app's deep link, which closes the browser.
const RETURN_PAGE = `${process.env.EXPO_PUBLIC_WEB_URL}/billing/mobile-return`;

export function UpgradeScreen() {
  const entitlements = useEntitlements();
  const checkout = useCheckout();
  const portal = usePortal();
  const refresh = useRefreshBilling();

  const upgrade = async () => {
    const session = await checkout.mutateAsync({
      tier: "pro",
      interval: "month",
      successUrl: `${RETURN_PAGE}?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: RETURN_PAGE,
    });
    // Opens Stripe Checkout in the system browser; resolves when the deep link comes back or the user closes it.
    await WebBrowser.openAuthSessionAsync(session.url!, Linking.createURL("billing/return"));
    await refresh(); // the webhooks may land a moment later: the foreground refresh in billing.tsx catches up
  };

  const manage = async () => {
    const { url } = await portal.mutateAsync({ returnUrl: RETURN_PAGE });
    await WebBrowser.openAuthSessionAsync(url, Linking.createURL("billing/return"));
    await refresh();
  };

  if (entitlements.isPending) return <Text>Loading…</Text>;
  if (entitlements.error) return <Text>Billing is unavailable ({entitlements.error.code}).</Text>;
  const onFreeTier = entitlements.data.subscriptionId == null;
  return (
    <View>
      <Text>Your plan: {entitlements.data.tier}</Text>
      {onFreeTier ? (
        <Button title="Upgrade to Pro" onPress={upgrade} disabled={checkout.isPending} />
      ) : (
        <Button title="Manage billing" onPress={manage} disabled={portal.isPending} />
      )}
    </View>
  );
}

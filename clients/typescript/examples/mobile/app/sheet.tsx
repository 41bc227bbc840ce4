import { BillingError } from "@billing/client";
import { usePaymentSheet, useRefreshBilling } from "@billing/client/react";
import type { PaymentSheetRequest } from "@billing/client/react";
import { PaymentSheetError, useStripe } from "@stripe/stripe-react-native";
import * as Linking from "expo-linking";
import { useState } from "react";
import { Button, Text, View } from "react-native";

// Pays in the app with Stripe's PaymentSheet: the server prepares the intent (prices, trial, discount and tax are
// its decisions), the sheet collects and confirms the card (3-D Secure included), the webhooks grant what was paid.
export function PaySheetScreen() {
  const { initPaymentSheet, presentPaymentSheet } = useStripe();
  const sheet = usePaymentSheet();
  const refresh = useRefreshBilling();
  const [message, setMessage] = useState<string | null>(null);

  const pay = async (request: PaymentSheetRequest) => {
    setMessage(null);
    let prepared;
    try {
      prepared = await sheet.mutateAsync(request);
    } catch (e) {
      // 409 already_subscribed: change the plan in the portal instead; 400s name the field.
      setMessage(e instanceof BillingError ? e.message : "Billing is unavailable, try again.");
      return;
    }
    const intent = prepared.paymentIntent
      ? { paymentIntentClientSecret: prepared.paymentIntent }
      : { setupIntentClientSecret: prepared.setupIntent! };
    const init = await initPaymentSheet({
      ...intent,
      merchantDisplayName: "Example, Inc.",
      customerId: prepared.customer,
      customerEphemeralKeySecret: prepared.ephemeralKey,
      // Where a bank's 3-D Secure page sends the customer back (the app's scheme, as in app.json).
      returnURL: Linking.createURL("stripe-redirect"),
    });
    if (init.error) {
      setMessage(init.error.message);
      return;
    }
    const result = await presentPaymentSheet();
    if (result.error) {
      // Canceled: the subscription stays incomplete, and the next sheet for the same plan hands it back.
      if (result.error.code !== PaymentSheetError.Canceled) setMessage(result.error.message);
      return;
    }
    setMessage("Thank you! Your purchase shows in a moment.");
    await refresh(); // the webhooks may land a moment later: the foreground refresh in billing.tsx catches up
  };

  return (
    <View>
      <Button
        title="Subscribe to Pro (monthly)"
        onPress={() => void pay({ kind: "subscription", tier: "pro", interval: "month" })}
        disabled={sheet.isPending}
      />
      <Button
        title="Buy 100 credits"
        onPress={() => void pay({ kind: "purchase", priceId: "price_credits_100" })}
        disabled={sheet.isPending}
      />
      <Button title="Save a card" onPress={() => void pay({ kind: "setup" })} disabled={sheet.isPending} />
      {message ? <Text>{message}</Text> : null}
    </View>
  );
}

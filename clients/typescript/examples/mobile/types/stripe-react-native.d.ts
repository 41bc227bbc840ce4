// The part of @stripe/stripe-react-native's API the examples use, as the package declares it (StripeProvider,
// useStripe, initPaymentSheet, presentPaymentSheet). Installing it would bring React Native into this package's
// development dependencies for type-checking a few files.

declare module "@stripe/stripe-react-native" {
  import type { ReactElement } from "react";

  export enum PaymentSheetError {
    Failed = "Failed",
    Canceled = "Canceled",
    Timeout = "Timeout",
  }

  export type StripeError<T> = {
    code: T;
    message: string;
    localizedMessage?: string;
    declineCode?: string;
    stripeErrorCode?: string;
    type?: string;
  };

  type IntentParams =
    | { paymentIntentClientSecret: string; setupIntentClientSecret?: undefined }
    | { setupIntentClientSecret: string; paymentIntentClientSecret?: undefined };

  export namespace PaymentSheet {
    type SetupParams = IntentParams & {
      merchantDisplayName: string;
      customerId?: string;
      customerEphemeralKeySecret?: string;
      returnURL?: string;
      allowsDelayedPaymentMethods?: boolean;
      defaultBillingDetails?: { email?: string; name?: string; phone?: string };
    };
  }

  export type InitPaymentSheetResult = { error?: undefined } | { error: StripeError<PaymentSheetError> };
  export type PresentPaymentSheetResult = { error?: undefined } | { error: StripeError<PaymentSheetError> };

  export function StripeProvider(props: {
    publishableKey: string;
    merchantIdentifier?: string;
    urlScheme?: string;
    children: ReactElement | ReactElement[];
  }): ReactElement;

  export function useStripe(): {
    initPaymentSheet(params: PaymentSheet.SetupParams): Promise<InitPaymentSheetResult>;
    presentPaymentSheet(): Promise<PresentPaymentSheetResult>;
  };
}

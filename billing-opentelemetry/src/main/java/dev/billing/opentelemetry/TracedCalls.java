package dev.billing.opentelemetry;

import static dev.billing.opentelemetry.OpenTelemetryTracing.ERROR_TYPE;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A port decorated by a dynamic proxy: every method of the interface, its default methods and the ones added later
 * included, runs in a client span named for it. A hand-written decorator per port (one method each of some 150)
 * would trace only what it was written for. No argument or result is recorded: they carry customers' data.
 *
 * <p>A traced port handed to another port's method arrives as the port it decorates. A store may recognise a sibling
 * of its own (Postgres writes a batch's customer links with its inbox entries in one statement only when given its
 * own customer store), and what it calls on the sibling is inside this call's span already.
 */
final class TracedCalls implements InvocationHandler {
    private final Object delegate;
    private final Tracer tracer;
    private final String prefix;
    private final AttributeKey<String> operation;
    private final String portName;

    private TracedCalls(Object delegate, Tracer tracer, String prefix, AttributeKey<String> operation, String port) {
        this.delegate = delegate;
        this.tracer = tracer;
        this.prefix = prefix;
        this.operation = operation;
        this.portName = port;
    }

    /** {@code delegate} behind {@code port}; {@code named}: the operation is {@code Port.method}, else the method. */
    static <T> T wrap(
            Class<T> port, T delegate, Tracer tracer, String prefix, AttributeKey<String> operation, boolean named) {
        if (delegate == null) {
            throw new NullPointerException(port.getSimpleName());
        }
        TracedCalls calls = new TracedCalls(delegate, tracer, prefix, operation, named ? port.getSimpleName() : null);
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, calls));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        // Never a root span: a call outside any trace (a gauge's poll, an idle worker's claim) is not worth one.
        if (!Span.current().getSpanContext().isValid()) {
            return call(method, args);
        }
        String name = portName == null ? method.getName() : portName + "." + method.getName();
        Span span = tracer.spanBuilder(prefix + name)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(operation, name)
                .startSpan();
        try (Scope scope = span.makeCurrent()) {
            return call(method, args);
        } catch (Throwable failure) {
            span.recordException(failure);
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            throw failure;
        } finally {
            span.end();
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(delegate, undecorated(args));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@code args} with each traced port replaced by what it decorates; the same array when there is none. */
    private static Object[] undecorated(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] plain = args;
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg != null
                    && Proxy.isProxyClass(arg.getClass())
                    && Proxy.getInvocationHandler(arg) instanceof TracedCalls traced) {
                if (plain == args) {
                    plain = args.clone();
                }
                plain[i] = traced.delegate;
            }
        }
        return plain;
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "traced " + delegate;
        };
    }
}

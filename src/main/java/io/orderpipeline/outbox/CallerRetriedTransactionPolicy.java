package io.orderpipeline.outbox;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.TransactedPolicy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code transacted} for a route whose failures its caller retries as a whole: the route's steps run
 * in one Spring transaction, which rolls back when they fail, and the exception stays on the
 * exchange for the caller's error handler (redelivery with backoff, then the circuit breaker).
 *
 * <p>Camel's SpringTransactionPolicy cannot be used for this: it installs a TransactionErrorHandler
 * on the route, which marks a failure as handled (RedeliveryErrorHandler.prepareExchangeAfterFailure
 * via ExchangeHelper.setFailureHandled), and a caller's error handler does not redeliver a failure
 * marked so; its own redelivery would retry one step inside the rolled-back transaction. The route
 * using this policy runs with noErrorHandler, so nothing there retries or swallows anything.
 */
public class CallerRetriedTransactionPolicy implements TransactedPolicy {

    private final TransactionTemplate template;

    public CallerRetriedTransactionPolicy(TransactionTemplate template) {
        this.template = template;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare: the route keeps its own (no) error handler
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(processor)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                // Spring binds a transaction to the thread: the steps run synchronously on this one.
                // The exchange is marked transacted too: camel-sql's batch mode would otherwise commit
                // the bound connection itself (SqlProducer, batchAutoCommitDisabled), mid-transaction.
                exchange.getUnitOfWork().beginTransactedBy(CallerRetriedTransactionPolicy.this);
                try {
                    template.executeWithoutResult(status -> {
                        try {
                            processor.process(exchange);
                        } catch (Exception e) {
                            exchange.setException(e);
                        }
                        if (exchange.getException() != null || exchange.isRollbackOnly()) {
                            status.setRollbackOnly();
                        }
                    });
                } catch (RuntimeException commitFailed) {
                    exchange.setException(commitFailed);
                } finally {
                    exchange.getUnitOfWork().endTransactedBy(CallerRetriedTransactionPolicy.this);
                }
                callback.done(true);
                return true;
            }

            @Override
            public String toString() {
                return "CallerRetriedTransaction[" + processor + "]";
            }
        };
    }
}

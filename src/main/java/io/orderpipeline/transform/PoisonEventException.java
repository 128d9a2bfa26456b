package io.orderpipeline.transform;

/** An event that can never become an analytics row; the reason goes into the dead letter's headers. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}

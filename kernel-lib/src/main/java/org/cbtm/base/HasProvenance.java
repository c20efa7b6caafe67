package org.cbtm.base;

/** Something that knows where it came from: a fitted clustering, a trained expert, an ensemble, a result. */
public interface HasProvenance {
    Provenance provenance();
}

package org.cbtm.btm;

/**
 * How BTM's domain posterior reads the prefix (methods 2). Both forms start from the prior at the first position.
 */
public enum PosteriorForm {
    /**
     * The paper's form: {@code P(D=j | x_<t) ∝ P(D=j) prod_{s<t} p_j(x_s | x_<s)}, the cumulative log-likelihood of
     * the whole prefix (the default).
     */
    PREFIX,
    /** The reference code's form: {@code w_j,t ∝ P(D=j) p_j(x_{t-1} | x_<t-1)}, the previous token's probability only. */
    PREVIOUS_TOKEN;

    /** "prefix" or "previous token", for tables. */
    public String label() {
        return this == PREFIX ? "prefix" : "previous token";
    }
}

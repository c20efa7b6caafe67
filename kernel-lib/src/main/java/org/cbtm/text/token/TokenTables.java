package org.cbtm.text.token;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tables that show how a tokenizer cuts a text (for notebooks). */
public final class TokenTables {
    private TokenTables() {
    }

    /** One row per token: position, id, and the token's text ({@code <0xE2>} for a byte token). */
    public static Table tokens(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text);
        IntColumn pos = IntColumn.create("position");
        IntColumn id = IntColumn.create("id");
        StringColumn tok = StringColumn.create("token");
        for (int i = 0; i < ids.length; i++) {
            pos.append(i);
            id.append(ids[i]);
            tok.append(tokenizer.tokenString(ids[i]).replace("\n", "\\n").replace(" ", "␣"));
        }
        return Table.create("tokens of: " + (text.length() > 40 ? text.substring(0, 40) + "…" : text), pos, id, tok);
    }
}

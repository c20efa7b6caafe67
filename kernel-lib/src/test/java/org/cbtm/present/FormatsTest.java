package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.text.NumberFormat;

import org.junit.jupiter.api.Test;

class FormatsTest {

    private static List<String> shown(double... values) {
        NumberFormat f = Formats.forValues(values);
        return Arrays.stream(values).mapToObj(f::format).toList();
    }

    @Test
    void aColumnGetsAboutFourSignificantDigitsAndAlignedDecimals() {
        assertEquals(List.of("123.5", "98.8"), shown(123.456789, 98.7654321));
        assertEquals(List.of("34.57", "12.00"), shown(34.5678901, 12));
        assertEquals(List.of("0.333", "0.950"), shown(1 / 3.0, 0.95));
        assertEquals(List.of("12,346", "5"), shown(12345.678, 5));
        assertEquals(List.of("1,234,567", "500"), shown(1234567, 500));
        assertEquals(List.of("3.40E12", "1.25E11"), shown(3.4e12, 1.25e11));
        assertEquals(List.of("3.00E-4", "1.00E-5"), shown(3e-4, 1e-5));
        // no more decimals than the values need
        assertEquals(List.of("0.01", "0.10", "1.00"), shown(0.01, 0.1, 1));
        assertEquals(List.of("1", "2", "16"), shown(1, 2, 16));
        assertEquals(List.of("0", "0"), shown(0, 0));
        assertEquals(List.of("-3.25", "1.50"), shown(-3.25, 1.5));
    }

    @Test
    void singleNumbersAndLabels() {
        assertEquals("123.5", Formats.number(123.456));
        assertEquals("", Formats.number(Double.NaN));
        assertEquals("∞", Formats.number(Double.POSITIVE_INFINITY));
        assertEquals("1,234", Formats.perplexity(1234.4));
        assertEquals("400.0", Formats.perplexity(400));
        assertEquals("1.2M", Formats.shortNumber(1.2e6));
        assertEquals("500k", Formats.shortNumber(5e5));
        assertEquals("0.03", Formats.shortNumber(0.03));
        assertEquals("3B", Formats.shortNumber(3e9));
        assertEquals("0.1", Formats.plain(0.1));
        assertEquals("2", Formats.plain(2.0));
        assertEquals("1500", Formats.plain(1500));
        assertEquals("12,345.7", Formats.decimals(1).format(12345.67));
        assertEquals("3.40E12", Formats.scientific().format(3.4e12));
    }
}

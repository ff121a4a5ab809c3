package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.layers.StringLookup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * StringLookup's adapt on one large batch (a column of a real table): it must stay linear. It once
 * copied the whole batch per row, so 40,000 strings needed about 6 GB and ran out of heap.
 */
class StringLookupAdaptTest {
  @Test
  void adaptsFortyThousandStringsInOneBatch() {
    String[] column = new String[40_000];
    for (int i = 0; i < column.length; i++) {
      column[i] = i % 3 == 0 ? "libs" : i % 3 == 1 ? "python" : i % 9 == 2 ? "perl" : "doc";
    }
    StringLookup lookup = stringLookup();
    lookup.adapt(column);
    // by frequency: libs 13,334, python 13,333, doc 8,889, perl 4,444
    assertEquals(List.of("[UNK]", "libs", "python", "doc", "perl"), lookup.getVocabulary());
  }
}

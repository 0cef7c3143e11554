package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

    @Test
    void splitsAndPercentDecodes() {
        assertThat(PathSegments.split("/store/1/hello%20world")).containsExactly("store", "1", "hello world");
        assertThat(PathSegments.split("/store/1/a%2Fb+c")).containsExactly("store", "1", "a/b+c");
        assertThat(PathSegments.split("/store/1/%E2%9C%93")).containsExactly("store", "1", "✓");
        assertThat(PathSegments.split("/store/1/")).containsExactly("store", "1", "");
        assertThat(PathSegments.split("/")).containsExactly("");
    }

    @Test
    void rejectsMalformedEncoding() {
        assertThatThrownBy(() -> PathSegments.split("/store/1/%2")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> PathSegments.split("/store/1/%zz")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> PathSegments.split("/store/1/%FF")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void keysAreNonNegativeIntegers() {
        assertThat(PathSegments.key("0")).isZero();
        assertThat(PathSegments.key("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        for (String bad : new String[] {"", "-1", "+1", "1.5", "abc", " 1", "9223372036854775808",
                "99999999999999999999"}) {
            assertThatThrownBy(() -> PathSegments.key(bad)).as(bad).isInstanceOf(BadRequestException.class);
        }
        assertThatThrownBy(() -> PathSegments.nodeId("0")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void consistencyFromTheQuery() {
        assertThat(Consistency.fromQuery(null)).isEqualTo(Consistency.LINEARIZABLE);
        assertThat(Consistency.fromQuery("consistency=stale")).isEqualTo(Consistency.STALE);
        assertThat(Consistency.fromQuery("x=1&consistency=linearizable")).isEqualTo(Consistency.LINEARIZABLE);
        assertThatThrownBy(() -> Consistency.fromQuery("consistency=eventual"))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void peersOption() {
        assertThat(NodeOptions.parsePeers("1=127.0.0.1:60061,2=127.0.0.1:60062"))
                .containsExactly(java.util.Map.entry(1L, "127.0.0.1:60061"), java.util.Map.entry(2L, "127.0.0.1:60062"));
        for (String bad : new String[] {"1", "=a:1", "x=a:1", "0=a:1", "1=a:1,1=b:2", "1="}) {
            assertThatThrownBy(() -> NodeOptions.parsePeers(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

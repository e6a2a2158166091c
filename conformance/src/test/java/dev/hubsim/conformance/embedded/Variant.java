package dev.hubsim.conformance.embedded;

import dev.hubsim.faults.Deviation;
import dev.hubsim.limits.LimitProfile;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How an embedded simulator departs from the documents, for the kit's self-test: deviations the simulator offers for
 * that purpose, and a change to its limit profile (a misconfiguration). Applied alike to the secondary simulators the
 * {@code @simulator} scenarios use (imp profile, timing), so each departure shows wherever a scenario can see it.
 */
public record Variant(String name, Set<Deviation> deviations, UnaryOperator<LimitProfile> profileChange) {
    public static final Variant AS_DOCUMENTED = new Variant("as documented", Set.of(), UnaryOperator.identity());

    public static Variant deviating(Deviation deviation) {
        return new Variant(deviation.name(), EnumSet.of(deviation), UnaryOperator.identity());
    }

    public static Variant misconfigured(String name, UnaryOperator<LimitProfile> change) {
        return new Variant(name, Set.of(), change);
    }

    /**
     * Several departures on one simulator: their deviations together and their profile changes one after the other.
     * Only for departures whose statements are disjoint (see MutationMatrix.groups).
     */
    public static Variant together(java.util.List<Variant> parts) {
        Set<Deviation> all = EnumSet.noneOf(Deviation.class);
        UnaryOperator<LimitProfile> change = UnaryOperator.identity();
        for (Variant v : parts) {
            all.addAll(v.deviations());
            UnaryOperator<LimitProfile> before = change;
            change = p -> v.profileChange().apply(before.apply(p));
        }
        return new Variant(String.join(" + ", parts.stream().map(Variant::name).toList()), all, change);
    }

    LimitProfile apply(LimitProfile profile) {
        return profileChange.apply(profile);
    }

    Deviation[] deviationArray() {
        return deviations.toArray(Deviation[]::new);
    }

    @Override
    public String toString() {
        return name;
    }
}

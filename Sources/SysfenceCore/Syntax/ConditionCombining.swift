extension Condition {
    /// The conjunction of `terms`: nested conjunctions are flattened and a single term stands
    /// alone, so `a && (b && c)` and `a && b && c` build the same condition.
    public static func allOf(_ terms: [Condition]) -> Condition {
        let flat = terms.flatMap { term -> [Condition] in
            if case .and(let inner) = term { return inner }
            return [term]
        }
        return flat.count == 1 ? flat[0] : .and(flat)
    }

    /// The disjunction of `terms`: nested disjunctions are flattened and a single term stands
    /// alone, so `a || (b || c)` and `a || b || c` build the same condition.
    public static func anyOf(_ terms: [Condition]) -> Condition {
        let flat = terms.flatMap { term -> [Condition] in
            if case .or(let inner) = term { return inner }
            return [term]
        }
        return flat.count == 1 ? flat[0] : .or(flat)
    }
}

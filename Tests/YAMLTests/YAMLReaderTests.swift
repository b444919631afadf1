import SysfenceCore
import Testing
import YAML

/// The diagnostics of a parse that must fail, as `line:column: message`.
private func failure(_ text: String) -> [String] {
    do {
        let node = try YAMLReader.parse(text, file: "t.yaml")
        Issue.record("parsed: \(String(describing: node))")
        return []
    } catch {
        return error.diagnostics.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-"): \($0.message)" }
    }
}

private func pairs(_ node: YAMLNode?) -> [YAMLPair] {
    guard case .mapping(let pairs) = node?.content else { return [] }
    return pairs
}

private func items(_ node: YAMLNode?) -> [YAMLNode] {
    guard case .sequence(let items) = node?.content else { return [] }
    return items
}

@Suite struct YAMLReaderTests {
    @Test func scalarsKeepTextStyleAndPlace() throws {
        let root = try YAMLReader.parse("a: 1\nb: 'x y'\nc: \"z\\n\"\nd: |\n  lit\ne: >\n  fold\n", file: "t.yaml")
        let values = pairs(root).map(\.value)
        #expect(values.map(\.scalar) == [
            YAMLScalar("1"), YAMLScalar("x y", style: .singleQuoted), YAMLScalar("z\n", style: .doubleQuoted),
            YAMLScalar("lit\n", style: .literal), YAMLScalar("fold\n", style: .folded),
        ])
        #expect(values.map { [$0.line, $0.column] } == [[1, 4], [2, 4], [3, 4], [4, 4], [6, 4]])
        #expect([values[1].endLine, values[1].endColumn] == [2, 9])
        #expect(pairs(root).map { [$0.key.line, $0.key.column] } == [[1, 1], [2, 1], [3, 1], [4, 1], [6, 1]])
    }

    @Test func mappingsKeepOrderAndDuplicates() throws {
        let root = try YAMLReader.parse("z: 1\na: 2\nz: 3\n", file: "t.yaml")
        #expect(pairs(root).map { $0.key.scalar?.value } == ["z", "a", "z"])
        #expect(pairs(root).map { $0.value.scalar?.value } == ["1", "2", "3"])
    }

    @Test func sequencesInBlockAndFlowStyle() throws {
        let root = try YAMLReader.parse("- [a, b]\n- c\n", file: "t.yaml")
        #expect(items(root).count == 2)
        #expect(items(items(root).first).map { $0.scalar?.value } == ["a", "b"])
        #expect(items(items(root).first).map(\.column) == [4, 7])
        #expect([root?.line, root?.column] == [1, 1])
    }

    @Test func noTypingOfPlainScalars() throws {
        let root = try YAMLReader.parse("[yes, null, ~, 010, '']", file: "t.yaml")
        #expect(items(root).map { $0.scalar?.value } == ["yes", "null", "~", "010", ""])
        #expect(items(root).map { $0.scalar?.isNull } == [false, true, true, false, false])
    }

    @Test func tagsAreResolved() throws {
        let root = try YAMLReader.parse("- !!str 1\n- !local x\n- y\n", file: "t.yaml")
        #expect(items(root).map(\.tag) == ["tag:yaml.org,2002:str", "!local", nil])
    }

    @Test func emptyStreamHasNoDocument() throws {
        #expect(try YAMLReader.parse("", file: "t.yaml") == nil)
        #expect(try YAMLReader.parse("# only a comment\n", file: "t.yaml") == nil)
    }

    @Test func explicitSingleDocumentIsAccepted() throws {
        let root = try YAMLReader.parse("---\na: 1\n...\n", file: "t.yaml")
        #expect(pairs(root).count == 1)
    }

    @Test func secondDocumentIsRefused() {
        #expect(failure("a: 1\n---\nb: 2\n") == ["2:1: a policy file holds one YAML document; a second one starts here"])
        #expect(failure("--- 1\n--- 2\n") == ["2:1: a policy file holds one YAML document; a second one starts here"])
    }

    @Test func syntaxErrorsCarryLibyamlsMark() {
        #expect(failure("a: b: c\n") == ["1:5: invalid YAML: mapping values are not allowed in this context"])
        #expect(failure("a: [1, 2\n") == ["2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"])
        #expect(failure("a: 'open\n") == ["2:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at 1:4)"])
    }

    @Test func syntaxErrorDiagnosticNamesTheFile() throws {
        do {
            _ = try YAMLReader.parse("a: b: c\n", file: "dir/p.yaml")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "dir/p.yaml:1:5: error: invalid YAML: mapping values are not allowed in this context")
        }
    }

    @Test func invalidUTF8IsLocatedByCharacter() {
        let bytes = Array("é: ok\nkey: caf".utf8) + [0xE9, 0x0A]
        do {
            _ = try YAMLReader.parse(bytes: bytes, file: "t.yaml")
            Issue.record("parsed")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["t.yaml:2:9: error: invalid YAML: incomplete UTF-8 octet sequence"])
        }
    }

    @Test func utf16WithByteOrderMarkIsRead() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "a: b\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let root = try YAMLReader.parse(bytes: bytes, file: "t.yaml")
        #expect(pairs(root).first?.value.scalar?.value == "b")
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = YAMLReader.maximumDepth
        let root = try YAMLReader.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth), file: "t.yaml")
        var node = root
        var levels = 0
        while case .sequence(let inner) = node?.content {
            levels += 1
            node = inner.first
        }
        #expect(levels == depth)
    }

    @Test func nestingBeyondTheLimitIsRefusedWithoutRecursion() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(failure(deep) == ["1:65: nesting deeper than 64 levels"])
        let block = (0..<70).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
        #expect(failure(block) == ["65:129: nesting deeper than 64 levels"])
    }

    @Test func aliasesCopyTheAnchoredNode() throws {
        let root = try YAMLReader.parse("a: &list [read, write]\nb: *list\n", file: "t.yaml")
        let values = pairs(root).map(\.value)
        #expect(values[1].content == values[0].content)
        #expect([values[1].line, values[1].column] == [1, 4])
    }

    @Test func unknownAliasIsAnError() {
        #expect(failure("a: *nowhere\n") == ["1:4: unknown alias '*nowhere'"])
        // An anchor is known only once its node is complete, so a node cannot contain itself.
        #expect(failure("a: &self [*self]\n") == ["1:11: unknown alias '*self'"])
    }

    @Test func tooManyAliasesAreRefused() {
        let limit = YAMLReader.maximumAliases
        let allowed = "- &x a\n" + String(repeating: "- *x\n", count: limit)
        #expect(throws: Never.self) { try YAMLReader.parse(allowed, file: "t.yaml") }
        #expect(failure(allowed + "- *x\n") == ["\(limit + 2):3: more than \(limit) aliases"])
    }

    @Test func aliasBombIsRefusedBeforeExpanding() {
        let text = """
        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        """
        // The *a take 110 nodes, the *b 1110, each *c 1111: the 8th *c passes 10,000.
        #expect(failure(text) == ["4:36: aliases expand to more than 10000 nodes"])
    }

    @Test func aliasThatWouldNestTooDeeplyIsRefused() {
        let inner = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let text = "a: &deep \(inner)\nb: " + String(repeating: "[", count: 30) + "*deep" + String(repeating: "]", count: 30) + "\n"
        #expect(failure(text) == ["2:34: nesting deeper than 64 levels"])
    }
}

@Suite struct YAMLReaderEndOfFileTests {
    @Test func errorAtTheEndOfAFileWithoutFinalNewlineStaysOnItsLastLine() {
        #expect(failure("a: [1, 2") == ["1:9: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"])
        #expect(failure("a: [1, 2\n") == ["2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"])
    }
}

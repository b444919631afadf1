import SysfenceCore
import Testing

@Suite struct YAMLNodeTests {
    private func scalar(_ value: String, _ style: YAMLScalarStyle, line: Int = 3, column: Int = 11,
                        endLine: Int = 3, endColumn: Int) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(value, style: style)), line: line, column: column, endLine: endLine, endColumn: endColumn)
    }

    private func column(_ node: YAMLNode, _ offset: Int) -> [Int] {
        let location = node.location(ofCharacterAt: offset, in: "p.yaml")
        #expect(location.file == "p.yaml")
        return [location.line, location.column]
    }

    @Test func plainSingleLineScalarMapsEveryCharacter() {
        let node = scalar("arg0 == 1", .plain, endColumn: 20)
        #expect(column(node, 0) == [3, 11])
        #expect(column(node, 5) == [3, 16])
    }

    @Test func quotedScalarWithoutEscapesMapsPastTheQuote() {
        #expect(column(scalar("arg0 == 1", .singleQuoted, endColumn: 22), 5) == [3, 17])
        #expect(column(scalar("arg0 == 1", .doubleQuoted, endColumn: 22), 0) == [3, 12])
    }

    @Test func charactersCountAsUnicodeScalars() {
        // `é` is two bytes but one column, as libyaml counts.
        #expect(column(scalar("é == 1", .plain, endColumn: 17), 2) == [3, 13])
    }

    @Test func textThatDiffersFromItsSourceMapsToTheScalar() {
        // "it''s" is 5 characters of source for the 4 of "it's": offsets cannot be trusted.
        #expect(column(scalar("it's", .singleQuoted, endColumn: 18), 3) == [3, 11])
        #expect(column(scalar("a\tb", .doubleQuoted, endColumn: 17), 2) == [3, 11])
    }

    @Test func multiLineAndBlockScalarsMapToTheScalar() {
        #expect(column(scalar("arg0 == 1 && arg1 == 2", .plain, endLine: 4, endColumn: 20), 15) == [3, 11])
        #expect(column(scalar("arg0 == 1\n", .literal, endLine: 5, endColumn: 1), 2) == [3, 11])
    }

    @Test func collectionsMapToThemselves() {
        let node = YAMLNode(.sequence([]), line: 2, column: 4, endLine: 2, endColumn: 6)
        #expect(column(node, 1) == [2, 4])
    }
}

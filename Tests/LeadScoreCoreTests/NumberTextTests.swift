import Testing
@testable import LeadScoreCore

@Suite("Number text (reports and dashboard)")
struct NumberTextTests {
    @Test func fixedFormatting() {
        #expect(NumberText.fixed(4.5, 2) == "4.50")
        #expect(NumberText.fixed(-0.05, 1) == "-0.1")
        #expect(NumberText.fixed(0.004, 2) == "0.00")
        #expect(NumberText.fixed(12, 0) == "12")
        #expect(NumberText.percent(0.1234) == "12.3%")
        #expect(NumberText.points(0.032) == "+3.2")
        #expect(NumberText.points(-0.032) == "-3.2")
    }
}

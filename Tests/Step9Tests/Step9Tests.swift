@testable import step9

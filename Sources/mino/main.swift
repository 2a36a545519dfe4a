import Foundation
import MinoKit

exit(MinoApplication.run(.process()))
